/** Public surface of the SSH core: pool, exec, follow, host keys, attach argv, typed errors. */
export { SshPool, poolKey, type SshPoolOptions, type RetryListener } from './pool.js';
export { endpointOf, type SshTarget } from './connect.js';
export type { ExecOptions, ExecResult } from './exec.js';
export {
  LogFollow,
  tailCommand,
  type FollowOptions,
  type FollowEnd,
  type FollowEndReason,
  type FollowState,
} from './follow.js';
export { HostKeyStore, fingerprint, hostPattern, keyType, type HostKeyStatus } from './host-keys.js';
export { resolveAuth, type AuthOptions, type ResolvedAuth } from './auth.js';
export { attachCommand, sshTrustOptions, type AttachOptions, type AttachCommand } from './attach.js';
export { shellQuote } from './quote.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export * from './errors.js';
export { sshIdentity, type SshIdentity, type IdentityOptions } from './identity.js';
