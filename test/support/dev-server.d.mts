// Types for dev-server.mjs, so TypeScript tests in test/node type-check.
export interface DevServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Everything `npm start` printed so far (stdout and stderr). */
  output(): string;
}
export declare function findFreePort(): Promise<number>;
export declare function startDevServer(options?: { port?: number; vars?: Record<string, string>; timeoutMs?: number; extraArgs?: string[] }): Promise<DevServer>;
