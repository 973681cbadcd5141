/**
 * Crash-proof migration: SIGKILL after steps 1–4 (verify, rent, boot, checkpoint on target), then --resume. See
 * crash-case.ts.
 */
import { defineCrashTests } from './crash-case.js';

defineCrashTests([1, 2, 3, 4]);
