/**
 * Crash-proof migration: SIGKILL after steps 5–8 (resume, advancing, destroy source, continuation), then --resume. See
 * crash-case.ts.
 */
import { defineCrashTests } from './crash-case.js';

defineCrashTests([5, 6, 7, 8]);
