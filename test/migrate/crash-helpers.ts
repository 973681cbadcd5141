/**
 * Shared setup of the crash-proof migration tests: a simulator (in this process, so it survives the CLI being
 * SIGKILLed) whose source jobs upload checkpoints to its Hub stand-in, a profiles file, and the migrate CLI in a
 * child process (the whole CLI bundled once by test/helpers/run-cli.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import {
  bundleCli as bundleSharedCli,
  CLI_HOOKS_ENTRY,
  homeEnv,
  runCli,
  type RunCliOptions,
} from '../helpers/run-cli.js';
import { TEST_KEY, writeOwnKey } from '../helpers/ssh-key.js';

/**
 * The CLI bundled once (test/helpers/run-cli.ts) through the test entry that can install fault hooks
 * (test/helpers/cli-hooks.ts): each start costs ~0.2 s instead of tsx's ~0.7 s.
 */
export const bundleCli = () => bundleSharedCli(CLI_HOOKS_ENTRY);

/** A source instance per case: each its own Hub repo, so checkpoints never mix. */
export async function crashSim(cases: number[], speed = 20): Promise<{ sim: SimHandle; client: VastClient }> {
  const sim = await startSimulator({
    seed: 41,
    speed,
    rateLimit: false,
    sshKeys: [TEST_KEY.public],
    scenario: {
      market: { size: 400, traps: false },
      lifecycle: { provisionSec: 1, loadSec: [2, 3] },
      fleet: cases.map((k) => ({
        label: `src-${k}`,
        gpu: 'RTX 4090',
        status: 'running',
        age: '10m',
        env: { HUB_MODEL_ID: `me/run-${k}` },
        // A checkpoint every 5 s (real time): each is 45 MB of real bytes the simulator hashes once.
        host: { totalSteps: 1_000_000, stepsPerSec: 5, saveSteps: 500 },
      })),
    },
  });
  return { sim, client: new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url }) };
}

/** A temp HOME with a profiles file holding profile `run-K` for each case. */
export function crashHome(cases: number[]): { home: string; profiles: string; continuation: (k: number) => string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'vd-migrate-'));
  const profiles = path.join(home, 'profiles.yaml');
  const continuation = (k: number) => path.join(home, `cont-${k}.md`);
  const lines = ['profiles:'];
  for (const k of cases) {
    lines.push(
      `  run-${k}:`,
      '    model: gpt2',
      '    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel',
      '    diskGb: 40',
      `    env: { HUB_MODEL_ID: me/run-${k} }`,
      // The target's onstart fetches the checkpoint the migration names in its env; the resume restarts training from
      // it.
      `    onstart: { script: "huggingface-cli download me/run-${k} --include \\"checkpoint-$VASTDECK_RESUME_STEP/*\\" --local-dir /workspace/run\\n" }`,
      `    resume: "tmux kill-session -t train 2>/dev/null; tmux new-session -d -s train 'python train.py ` +
        `--run-dir /workspace/run --resume_from_checkpoint {checkpoint}'"`,
      `    checkpoint: { kind: hf, repo: me/run-${k} }`,
      `    continuation: ${continuation(k)}`,
    );
  }
  writeFileSync(profiles, lines.join('\n') + '\n');
  return { home, profiles, continuation };
}

/**
 * Runs the bundled migrate CLI; resolves with its exit code or the signal that ended it. `killAfterStep: K` installs
 * the fault hook that SIGKILLs the CLI right after step K's after record is durable.
 */
export function runMigrate(
  bundle: string,
  sim: SimHandle,
  stateHome: string,
  argv: string[],
  o: { env?: Record<string, string>; killAfterStep?: number } = {},
  interrupt?: RunCliOptions['interrupt'],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string; out: string }> {
  writeOwnKey(stateHome); // the key the account has (crashSim), as vastdeck's own key
  const hook = o.killAfterStep === undefined ? [] : ['--kill-after-step', String(o.killAfterStep)];
  return runCli(
    [
      ...hook,
      'migrate',
      ...argv,
      '--api-url',
      sim.url,
      '--api-key',
      sim.apiKey,
      '--poll',
      '0.1',
      '--upload-wait',
      '60',
    ],
    {
      script: bundle,
      stdin: null,
      ...(interrupt ? { interrupt } : {}),
      env: { ...homeEnv(stateHome), HF_ENDPOINT: sim.hubUrl!, HF_TOKEN: '', ...o.env },
    },
  );
}
