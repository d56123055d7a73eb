export const PLACEHOLDER_SERVER_URL: string;
export const OPENAPI_ASSET: string;
export function buildOpenApiText(serverUrl?: string): Promise<string>;
export function writeOpenApiAsset(): Promise<number>;
