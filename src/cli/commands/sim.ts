import { intFlag, numberFlag, parseCommand } from '../args.js';
import { fileURLToPath } from 'node:url';
import { printText, UsageError } from '../output.js';

/** Help for `vastdeck sim`. */
export const simHelp =
  `Usage: vastdeck sim [--port N] [--seed N] [--speed X] [--demo | --scenario FILE] ` +
  `[--state FILE] [--no-rate-limit]

Run the embedded Vast.ai simulator on 127.0.0.1 until Ctrl-C. It speaks the same HTTP API as Vast.ai, so
vastdeck (and the official vastai CLI) can drive it: vastdeck --api-url URL --api-key KEY instances.
It prints VAST_URL=…, VAST_API_KEY=… and HF_ENDPOINT=… (its Hugging Face Hub stand-in) lines for scripts.

Options:
  --port N          port to listen on (default: a free one)
  --seed N          market seed (default 1)
  --speed X         clock speed-up: 60 means a minute passes every second (default 1)
  --demo            start with the demo scenario (the fleet \`vastdeck --demo\` shows), vastdeck's SSH keys on
                    the account
  --scenario FILE   YAML scenario: starting fleet, market, faults
  --state FILE      keep the simulator's state in FILE so it survives a restart
  --no-rate-limit   answer every request (the default mimics Vast's per-endpoint 429s)
  -h, --help        this help`;

/** `vastdeck sim`: runs until SIGINT/SIGTERM. */
export async function simCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      port: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      scenario: { type: 'string' },
      demo: { type: 'boolean' },
      state: { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
    },
    'sim',
  );
  if (values.help) return (printText(simHelp), 0);
  if (values.demo && values.scenario) throw new UsageError('sim: --demo and --scenario do not go together');
  const { startSimulator } = await import('../../sim/index.js');
  const tui = values.demo ? await import('./tui.js') : null;
  const scenario = tui ? tui.demoScenarioPath(fileURLToPath(import.meta.url)) : values.scenario;
  // The demo account has vastdeck's SSH keys on it (as --demo's), so attach/logs work against its fleet at once.
  const sshKeys = tui ? await tui.demoAccountKeys() : [];
  const sim = await startSimulator({
    port: intFlag(values.port, 'port', 0, 65535) ?? 0,
    seed: intFlag(values.seed, 'seed', 0, 2 ** 31) ?? 1,
    speed: numberFlag(values.speed, 'speed', 0.01, 100000) ?? 1,
    scenario,
    sshKeys,
    stateFile: values.state,
    rateLimit: !values['no-rate-limit'],
  });
  // The simulator's key is a fixed demo value, not a user secret, so printing it is safe and needed for scripts.
  // The URL alone first (scripts read line 1), then KEY=value lines a script can eval or grep; HF_ENDPOINT keeps
  // checkpoint checks off the real Hub.
  const lines = [`VAST_URL=${sim.url}`, `VAST_API_KEY=${sim.apiKey}`];
  if (sim.hubUrl) lines.push(`HF_ENDPOINT=${sim.hubUrl}`);
  printText(
    `${sim.url}\n${lines.join('\n')}\nsimulator listening; use: vastdeck --api-url ${sim.url} --api-key ` +
      `${sim.apiKey} instances` +
      `\n(or: export ${lines.join(' ')}; vastdeck instances)\nCtrl-C to stop`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
