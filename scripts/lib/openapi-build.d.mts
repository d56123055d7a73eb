export const PLACEHOLDER_SERVER_URL: string;
export function buildOpenApiText(serverUrl?: string): Promise<string>;
