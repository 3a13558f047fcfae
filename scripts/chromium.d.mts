/** Types of scripts/chromium.mjs for the TypeScript that imports it. */
export declare const CHROMIUM_PATH: string;
export declare const HEADLESS_ARGS: string[];
