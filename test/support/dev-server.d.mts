// Types for dev-server.mjs, so TypeScript tests can start the service.

export interface DevServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  output(): string;
}

export function findFreePort(): Promise<number>;

export function startDevServer(options?: {
  port?: number;
  vars?: Record<string, string>;
  timeoutMs?: number;
  extraArgs?: string[];
}): Promise<DevServer>;
