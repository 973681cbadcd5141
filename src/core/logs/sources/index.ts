/** Log sources: SSH tail, Vast logs API, and the per-instance pane store combining them. */
export {
  SshLogSource,
  DEFAULT_LOG_PATH,
  type SshLogSourceOptions,
  type SshSourceState,
  type FollowingPool,
} from './ssh-source.js';
export { ApiLogSource, type ApiLogSourceOptions, type ApiSourceStatus } from './api-source.js';
export { LogPaneStore, type LogPaneOptions, type LogPaneSnapshot, type PaneSource } from './pane-store.js';
export { diffSnapshots, splitLines, type SnapshotDiff } from './diff.js';
