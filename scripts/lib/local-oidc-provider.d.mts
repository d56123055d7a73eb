export declare const TEST_CLIENT_ID: string;
export declare const TEST_CLIENT_SECRET: string;
export declare const TAMPER_MODES: readonly string[];
export declare function isVerifiedLogin(login: string): boolean;
export interface TestOidcProvider {
  issuer: string;
  proxyIssuer(mode: string): string;
  stop(): Promise<void>;
}
export declare function startTestOidcProvider(options: { redirectUris: string[]; port?: number }): Promise<TestOidcProvider>;
