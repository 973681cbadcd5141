/**
 * The cockpit's side of Vast's SSH key rule: after start it checks whether one of the keys vastdeck offers is on the
 * account and, when none is, says so with the fix (`:keys add`), which registers the key and attaches it to the
 * running instances that lack it. Plain functions over core; App shows their one-line results.
 */
import type { VastApi } from '../../core/vast/api.js';
import type { Instance } from '../../core/vast/types.js';
import type { SshIdentity } from '../../core/ssh/identity.js';
import { attachMissing, checkAccountKeys, registerKey, type SshKeyApi } from '../../core/ssh/account-keys.js';

/** What App needs: a start-up check and the `:keys add` action, each resolving to one line (null: nothing to say). */
export interface AccountKeys {
  check(): Promise<string | null>;
  add(instances: readonly Instance[]): Promise<string>;
}

/** Builds them over the API (the real client has the key routes) and vastdeck's identity. */
export function accountKeys(api: VastApi, identity: () => SshIdentity): AccountKeys {
  const keyApi = api as unknown as SshKeyApi;
  const ours = async () => (await import('../../core/ssh/public-key.js')).identityPublicKeys(identity());
  return {
    async check() {
      try {
        const keys = await ours();
        if (keys.length === 0)
          return 'vastdeck has no SSH key to offer: start ssh-agent or create ~/.ssh/id_ed25519, then :keys add';
        const c = await checkAccountKeys(keyApi, keys);
        if (c.registered) return null;
        return (
          `vastdeck's SSH key (${c.candidate!.source}) is not on your Vast account, so hosts will refuse it: ` +
          `:keys add registers it and attaches it to running instances`
        );
      } catch {
        return null; // advice only: the API may not have the routes (tests' fakes) or be down; a refusal says it later
      }
    },
    async add(instances) {
      const keys = await ours();
      const key = keys[0];
      if (!key) return 'vastdeck has no SSH key to offer: start ssh-agent or create ~/.ssh/id_ed25519';
      const { key: row, added } = await registerKey(keyApi, key.line);
      const r = await attachMissing(
        keyApi,
        instances,
        keys.map((k) => k.line),
        key.line,
      );
      const parts = [added ? `registered key ${row.id}` : `key ${row.id} was already on the account`];
      if (r.attached.length) parts.push(`attached to ${r.attached.join(', ')}`);
      if (r.failed.length)
        parts.push(`attach failed on ${r.failed.map((f) => f.id).join(', ')} (${r.failed[0]!.message})`);
      return parts.join('; ');
    },
  };
}
