export declare const TEST_CLIENT_ID: string;
export declare const TEST_CLIENT_SECRET: string;
