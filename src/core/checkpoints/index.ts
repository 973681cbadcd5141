/** Checkpoint verification: the host-side reader, the stores (Hub, rsync, command) and the verdict. */
export * from './types.js';
export { readInstanceCheckpoint, profileRunDir, DEFAULT_RUN_DIR } from './instance.js';
export {
  readHostCheckpoint,
  listHostSteps,
  listHostFiles,
  parseFindSizes,
  parseGlobalStep,
  HostReadError,
  type Exec,
} from './host.js';
export { verifyCheckpoint, describeVerification, compareFiles, isExcluded, type VerifyOptions } from './verify.js';
export { HfStore, type HfStoreOptions } from './hf.js';
export { RsyncStore, rsyncArgv, isLocalHost, type RsyncStoreOptions, type RsyncEndpoint } from './rsync.js';
export { CommandStore, parseStepOutput, type CommandStoreOptions } from './command.js';
export { openStore, type OpenStoreOptions, type OpenedStore } from './store.js';
