import { parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, registerSecret, UsageError } from '../output.js';
import { listEnvVarsMasked, normaliseKey, removeEnvVar, setEnvVar } from '../../core/ops/env-vars.js';

/** Help for `vastdeck env`. */
export const envHelp = `Usage: vastdeck env list [--json]
       vastdeck env set KEY [--from-env NAME]
       vastdeck env rm KEY

Vast account env vars: injected into every new instance (reference them in a profile as { vast: KEY }).
Values are never printed (shown as *****). \`set\` reads the value from stdin, or from your environment
variable NAME with --from-env, so it never lands in shell history:
  printf %s "$HF_TOKEN" | vastdeck env set HF_TOKEN
  vastdeck env set HF_TOKEN --from-env HF_TOKEN
It creates the key when it does not exist and updates it when it does.

Options:
  --from-env NAME  read the value from environment variable NAME
  --json           (list) JSON on stdout
  --api-url URL, --api-key KEY, -h/--help`;

/** Reads the whole of stdin (a pipe), or one hidden line from a terminal; one trailing newline is dropped. */
export async function readValueFromStdin(
  stdin: NodeJS.ReadStream = process.stdin,
  prompt = 'value: ',
): Promise<string> {
  if (stdin.isTTY) return readHiddenLine(stdin, prompt);
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function readHiddenLine(stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** `vastdeck env`. */
export async function envCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { 'from-env': { type: 'string' }, json: { type: 'boolean' } },
    'env',
  );
  if (values.help || positionals.length === 0) return (printText(envHelp), values.help ? 0 : 2);
  const [sub, key, ...rest] = positionals;
  if (rest.length)
    throw new UsageError(
      `env ${sub}: unexpected "${rest[0]}" (the value is read from stdin or --from-env, never from the command line)`,
    );
  if (sub === 'list' || sub === 'ls') {
    const ctx = await makeContext(values);
    const rows = await listEnvVarsMasked(ctx.client);
    if (values.json) return (printJson(rows), 0);
    printText(rows.length ? rows.map((r) => `${r.key}=${r.value}`).join('\n') : 'no env vars');
    return 0;
  }
  if (!key) throw new UsageError(`env ${sub}: which KEY?`);
  if (sub === 'set' || sub === 'rm' || sub === 'delete') await refuseIfReadOnly(values, `env ${sub}`);
  if (sub === 'set') {
    const k = normaliseKey(key);
    let value: string;
    if (values['from-env']) {
      value = process.env[values['from-env']] ?? '';
      if (!value) throw new UsageError(`--from-env ${values['from-env']}: that variable is not set`);
    } else {
      value = await readValueFromStdin(process.stdin, `value for ${k} (hidden): `);
    }
    registerSecret(value);
    const ctx = await makeContext(values);
    const how = await setEnvVar(ctx.client, k, value);
    printText(`${how} ${k}=*****`);
    return 0;
  }
  if (sub === 'rm' || sub === 'delete') {
    const ctx = await makeContext(values);
    await removeEnvVar(ctx.client, key);
    printText(`removed ${normaliseKey(key)}`);
    return 0;
  }
  throw new UsageError(`env: unknown subcommand "${sub}"; use list, set or rm`);
}
