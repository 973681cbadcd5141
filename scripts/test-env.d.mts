export const SCRUBBED: RegExp;
export function testEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
