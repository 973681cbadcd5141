import type { SshPool } from '../ssh/pool.js';
import type { Profile } from '../profiles/schema.js';
import type { Instance } from '../vast/types.js';
import { HostReadError, readHostCheckpoint } from './host.js';
import type { HostCheckpoint } from './types.js';

/** Where a run keeps checkpoint-N when nothing says otherwise (the simulated hosts and migrate use it too). */
export const DEFAULT_RUN_DIR = '/workspace/run';

/** The run dir as migrate finds it: the flag, else the profile's onstart.runDir, else DEFAULT_RUN_DIR. */
export function profileRunDir(profile: Profile | null | undefined, flag?: string): string {
  return (
    flag ?? (profile?.onstart && 'runDir' in profile.onstart ? profile.onstart.runDir : undefined) ?? DEFAULT_RUN_DIR
  );
}

/**
 * Reads an instance's newest checkpoint over SSH (its published ssh_host/ssh_port), for destroy plans, the
 * keeper's retirer and the CLI. `runDirHint` says where the user sets the run dir when none is known.
 */
export function readInstanceCheckpoint(
  pool: Pick<SshPool, 'exec'>,
  inst: Instance,
  runDir: string | undefined,
  runDirHint = 'set onstart.runDir in the profile',
): Promise<HostCheckpoint | null> {
  if (!runDir) return Promise.reject(new HostReadError(`no run dir: ${runDirHint}`));
  if (!inst.sshHost || !inst.sshPort) return Promise.reject(new Error('no SSH endpoint published'));
  const target = { host: inst.sshHost, port: inst.sshPort };
  // Hashing 45 MB on the host takes well under a second; a multi-GB model takes minutes: the hash command gets 10.
  return readHostCheckpoint(
    (cmd) => pool.exec(target, cmd, { timeoutMs: cmd.startsWith('sha256sum') ? 600_000 : 20_000 }),
    runDir,
    { hostKey: `${inst.id}@${target.host}:${target.port}` },
  );
}
