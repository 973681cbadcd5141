/**
 * The first-use check of the account's SSH keys, for the commands that connect to hosts (attach, ssh, logs, triage,
 * pull). Vast hosts accept only the keys the account had when the instance was created plus keys attached later,
 * so when none of the keys vastdeck offers is on the account: in a terminal, offer to register it and attach it to
 * running instances that lack it; in a script, say so in one line. Once a key is seen on the account, a marker in
 * the state dir skips the check. A failure of the check itself never stops the command.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Services } from '../core/services/services.js';
import { identityPublicKeys } from '../core/ssh/public-key.js';
import { attachMissing, checkAccountKeys, registerKey, type SshKeyApi } from '../core/ssh/account-keys.js';
import type { Instance } from '../core/vast/types.js';
import { sanitizeLine } from '../core/util/sanitize.js';

const MARKER = 'ssh-key-on-account';

/** "type base64" of a key line: what the marker remembers (public material only). */
const material = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ');

/** Runs the check once per key; see the file comment. */
export async function checkKeysOnFirstUse(
  ctx: Pick<Services, 'identity' | 'paths'> & { client: SshKeyApi & { listInstances(): Promise<Instance[]> } },
): Promise<void> {
  const api = ctx.client;
  try {
    const ours = await identityPublicKeys(ctx.identity());
    if (ours.length === 0) return;
    const marker = path.join(ctx.paths.state, MARKER);
    const known = existsSync(marker) ? readFileSync(marker, 'utf8').split('\n') : [];
    if (ours.some((o) => known.includes(material(o.line)))) return;
    const check = await checkAccountKeys(api, ours);
    const remember = (line: string) => {
      mkdirSync(path.dirname(marker), { recursive: true, mode: 0o700 });
      writeFileSync(marker, [...known.filter(Boolean), material(line)].join('\n') + '\n');
    };
    if (check.registered) return remember(check.registered.line);
    const key = check.candidate!;
    const lead = `vastdeck's SSH key (${key.source}) is not on your Vast account, so Vast hosts will refuse it`;
    if (!(process.stdin.isTTY && process.stderr.isTTY)) {
      process.stderr.write(`${lead}: run \`vastdeck keys add\` (registers it, attaches it to running instances)\n`);
      return;
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = (
      await rl.question(`${lead}.\nRegister it now and attach it to running instances that lack it? [Y/n] `)
    )
      .trim()
      .toLowerCase();
    rl.close();
    if (answer !== '' && answer !== 'y' && answer !== 'yes') {
      process.stderr.write('not registered; `vastdeck keys add` does it later\n');
      return;
    }
    const { key: row } = await registerKey(api, key.line);
    const report = await attachMissing(
      api,
      await api.listInstances(),
      ours.map((o) => o.line),
      key.line,
    );
    process.stderr.write(
      `registered key ${row.id}${report.attached.length ? `; attached to ${report.attached.join(', ')}` : ''}\n`,
    );
    for (const f of report.failed)
      process.stderr.write(`instance ${f.id}: attach failed: ${sanitizeLine(f.message)}\n`);
    remember(key.line);
  } catch {
    // The check is advice: an API hiccup here must not stop the command (a refusal later says what to do).
  }
}
