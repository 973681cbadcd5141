/**
 * `vastdeck keys list|add|attach`: the SSH keys on the Vast account. Vast hosts accept only the keys the account had
 * when the instance was created, plus keys attached to it later, so a new user's first connection fails until the
 * key vastdeck offers is registered (`add`) and attached to instances that already run (`attach`, or `add`'s pass).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, UsageError } from '../output.js';
import { identityPublicKeys, type PublicKey } from '../../core/ssh/public-key.js';
import { attachMissing, checkAccountKeys, registerKey, shortKey } from '../../core/ssh/account-keys.js';
import { sameKey } from '../../core/vast/ssh-keys.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { Instance } from '../../core/vast/types.js';

/** Help for `vastdeck keys`. */
export const keysHelp = `Usage: vastdeck keys [list] [--json]
       vastdeck keys add [PUBKEY | FILE.pub] [--no-attach] [--json]
       vastdeck keys attach ID… | --all [--json]

Vast hosts accept only the SSH keys your account had when the instance was created, plus keys attached to
that instance later. vastdeck offers your ssh-agent's keys, ~/.ssh/id_ed25519 or id_rsa, else its own key.

  list      the account's keys; marks the ones vastdeck offers, and says when none of them is registered
  add       registers the key vastdeck offers (or the given public key / .pub file) on the account, so new
            instances accept it; then attaches it to running instances that accept none of vastdeck's keys
  attach    attaches vastdeck's key to the given running instances (--all: every running one lacking it)

Options:
  --no-attach   add: only register, attach nothing
  --all         attach: every running instance that accepts none of vastdeck's keys
  --json        clean JSON on stdout
  --api-url URL, --api-key KEY, -h/--help`;

/** `vastdeck keys`. */
export async function keysCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { json: { type: 'boolean' }, all: { type: 'boolean' }, 'no-attach': { type: 'boolean' } },
    'keys',
  );
  if (values.help) return (printText(keysHelp), 0);
  const [sub = 'list', ...args] = positionals;
  if (!['list', 'add', 'attach'].includes(sub))
    throw new UsageError(
      `keys: unknown subcommand "${sanitizeLine(sub)}"; use list, add or attach (see \`vastdeck keys --help\`)`,
    );
  if (sub !== 'list') await refuseIfReadOnly(values, `keys ${sub}`);
  const ctx = await makeContext(values, ['ssh']);
  const ours = await identityPublicKeys(ctx.identity());
  if (sub === 'list') {
    if (args.length) throw new UsageError('keys list: takes no arguments');
    const check = await checkAccountKeys(ctx.client, ours);
    const rows = check.account.map((k) => ({
      id: k.id,
      key: k.key,
      vastdeck: ours.some((o) => sameKey(o.line, k.key)),
    }));
    if (values.json)
      return (
        printJson({
          keys: rows,
          offered: ours.map((o) => ({ source: o.source, key: o.line })),
          registered: !!check.registered,
        }),
        0
      );
    if (rows.length === 0) printText('no SSH keys on the account');
    for (const r of rows)
      printText(`${String(r.id).padStart(8)}  ${shortKey(r.key)}${r.vastdeck ? '   ← vastdeck uses this' : ''}`);
    if (!check.candidate) printText('vastdeck has no SSH key to offer: start ssh-agent or create ~/.ssh/id_ed25519');
    else if (!check.registered)
      printText(
        `vastdeck's key (${check.candidate.source}) is not on the account: new instances will refuse it; run ` +
          `\`vastdeck keys add\``,
      );
    return 0;
  }
  if (sub === 'add') {
    if (args.length > 1) throw new UsageError('keys add: give at most one public key or .pub file');
    const key = args[0] ? publicKeyArg(args[0]) : mustHave(ours).line;
    const { key: row, added } = await registerKey(ctx.client, key);
    const report = values['no-attach']
      ? null
      : await attachMissing(ctx.client, await ctx.client.listInstances(), [...ours.map((o) => o.line), key], key);
    if (values.json)
      return (
        printJson({
          id: row.id,
          added,
          attached: report?.attached ?? [],
          had: report?.had ?? [],
          failed: report?.failed ?? [],
        }),
        0
      );
    printText(
      added
        ? `added key ${row.id} (${shortKey(key)}) to the account: new instances accept it`
        : `the account already has this key (${row.id})`,
    );
    if (report) reportAttach(report);
    return report?.failed.length ? 1 : 0;
  }
  // attach
  const key = mustHave(ours).line;
  const all = await ctx.client.listInstances();
  let chosen: Instance[];
  if (values.all) {
    if (args.length) throw new UsageError('keys attach: give IDs or --all, not both');
    chosen = all;
  } else {
    if (args.length === 0)
      throw new UsageError('keys attach: give an instance ID (or --all); see `vastdeck keys --help`');
    chosen = args.map((a) => {
      if (!/^\d+$/.test(a)) throw new UsageError(`keys attach: "${sanitizeLine(a)}" is not an instance ID`);
      const inst = all.find((i) => i.id === Number(a));
      if (!inst) throw new Error(`instance ${a} is not in your account`);
      if (inst.status !== 'running')
        throw new Error(`instance ${a} is ${inst.status ?? 'provisioning'}: keys can be attached to running instances`);
      return inst;
    });
  }
  const report = await attachMissing(
    ctx.client,
    chosen,
    ours.map((o) => o.line),
    key,
  );
  if (values.json) return (printJson(report), 0);
  reportAttach(report);
  if (report.attached.length + report.had.length + report.failed.length === 0) printText('no running instance');
  return report.failed.length ? 1 : 0;
}

function mustHave(ours: PublicKey[]): PublicKey {
  const k = ours[0];
  if (!k)
    throw new Error(
      'vastdeck has no SSH key to offer: start ssh-agent, or create ~/.ssh/id_ed25519 (ssh-keygen -t ed25519)',
    );
  return k;
}

/** A public key given on the command line: the text, or a .pub file's first line; never a private key. */
function publicKeyArg(arg: string): string {
  const text = (existsSync(arg) ? readFileSync(arg, 'utf8') : arg).trim();
  if (text.includes('PRIVATE KEY'))
    throw new UsageError('keys add: that is a private key; give the public one (the .pub file)');
  const line = text.split('\n')[0]!.trim();
  if (!/^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+/.test(line))
    throw new UsageError('keys add: not an OpenSSH public key (expected "ssh-ed25519 AAAA…" or a .pub file)');
  return line;
}

function reportAttach(r: Awaited<ReturnType<typeof attachMissing>>): void {
  for (const id of r.attached) printText(`attached to instance ${id}`);
  if (r.had.length) printText(`already accepted by: ${r.had.join(', ')}`);
  for (const f of r.failed) process.stderr.write(`instance ${f.id}: attach failed: ${sanitizeLine(f.message)}\n`);
}
