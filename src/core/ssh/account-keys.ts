/**
 * Vast's SSH key rule, from vastdeck's side: a host accepts the keys the account had when the instance was
 * created, plus keys attached to that instance later. So vastdeck checks that one of the keys it offers is on the
 * account (else new instances refuse it), registers it when the user agrees, and attaches it to running
 * instances created before that.
 */
import type { AccountSshKey } from '../vast/ssh-keys.js';
import { sameKey } from './key-text.js';
import type { Instance } from '../vast/types.js';
import type { PublicKey } from './public-key.js';

/** The calls this needs (VastClient has them). */
export interface SshKeyApi {
  listSshKeys(): Promise<AccountSshKey[]>;
  createSshKey(publicKey: string): Promise<AccountSshKey>;
  instanceSshKeys(id: number): Promise<AccountSshKey[]>;
  attachSshKey(id: number, publicKey: string): Promise<void>;
}

/** What one look at the account says. */
export interface KeyCheck {
  /** The account's keys. */
  account: AccountSshKey[];
  /** vastdeck's keys (agent first). */
  ours: PublicKey[];
  /** Our first key that is on the account, if any. */
  registered: PublicKey | null;
  /** The key vastdeck would register: the first one it offers (null when it has none). */
  candidate: PublicKey | null;
}

/** The one line said when a host refuses vastdeck's key; `id` when the instance is known. */
export function keyRefusedHint(id?: number): string {
  return (
    'Vast hosts accept only the SSH keys your account had when the instance was created, plus keys attached to it: ' +
    (`\`vastdeck keys add\` registers vastdeck's key, \`vastdeck keys attach ${id ?? 'ID'}\` attaches it to a ` +
      `running instance`)
  );
}

/** Looks at the account's keys. */
export async function checkAccountKeys(api: Pick<SshKeyApi, 'listSshKeys'>, ours: PublicKey[]): Promise<KeyCheck> {
  const account = await api.listSshKeys();
  const registered = ours.find((o) => account.some((a) => sameKey(a.key, o.line))) ?? null;
  return { account, ours, registered, candidate: ours[0] ?? null };
}

/** Registers `key` unless the account has it; returns the account's row for it. */
export async function registerKey(
  api: Pick<SshKeyApi, 'listSshKeys' | 'createSshKey'>,
  key: string,
): Promise<{ key: AccountSshKey; added: boolean }> {
  const have = (await api.listSshKeys()).find((a) => sameKey(a.key, key));
  if (have) return { key: have, added: false };
  return { key: await api.createSshKey(key), added: true };
}

/** What attachMissing did per instance. */
export interface AttachReport {
  attached: number[];
  /** Instances that already accept one of our keys. */
  had: number[];
  failed: Array<{ id: number; message: string }>;
}

/**
 * Attaches `key` to each running instance that accepts none of `ours` (one call per instance; Vast limits the
 * route to about one a second, which the client's backoff absorbs). A failure is reported, never thrown.
 */
export async function attachMissing(
  api: Pick<SshKeyApi, 'instanceSshKeys' | 'attachSshKey'>,
  instances: readonly Instance[],
  ours: readonly string[],
  key: string,
): Promise<AttachReport> {
  const report: AttachReport = { attached: [], had: [], failed: [] };
  for (const inst of instances) {
    if (inst.status !== 'running') continue;
    try {
      const keys = await api.instanceSshKeys(inst.id);
      if (keys.some((k) => ours.some((o) => sameKey(k.key, o)))) {
        report.had.push(inst.id);
        continue;
      }
      await api.attachSshKey(inst.id, key);
      report.attached.push(inst.id);
    } catch (err) {
      report.failed.push({ id: inst.id, message: (err as Error).message });
    }
  }
  return report;
}

/** A key shortened for display: type, the last 12 base64 characters, the comment. */
export function shortKey(line: string): string {
  const [type, data = '', ...rest] = line.trim().split(/\s+/);
  return `${type} …${data.slice(-12)}${rest.length ? ` ${rest.join(' ')}` : ''}`;
}
