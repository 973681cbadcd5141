/**
 * The link between the simulated GPU hosts and the simulator's Hub stand-in, so checkpoints leave the host the
 * way a real run's do: a job whose instance has HUB_MODEL_ID in its env uploads each checkpoint-N to that repo
 * (the HF Trainer's push_to_hub with hub_strategy "all_checkpoints"), following the upload policy in
 * SIM_HUB_UPLOAD (`ok` default, `lag:STEPS` = the upload finishes STEPS steps later, `partial` = the upload
 * dies before model.safetensors, `never`). Hosts also answer the commands a migration sends: downloading a
 * checkpoint (`huggingface-cli download` / `hf download`) and starting training in tmux, fresh or with
 * `--resume_from_checkpoint DIR/checkpoint-N` (the step then continues from N). An instance with an onstart
 * script runs its download and tmux lines at boot; one whose onstart starts no training stays idle.
 * Uploads carry the host's exact bytes, and the commit message names the run (VASTDECK_RUN_ID from the instance
 * env) as a training script's push_to_hub(commit_message=…) would: "Training in progress, step N vastdeck-run=ID".
 */
import type { HubStandIn } from './hub/index.js';
import type { SimHostFleet } from './host-fleet.js';
import type { InstanceRec } from './instances.js';
import type { World } from './world.js';
import { tokenize } from './hosts/shell.js';
import type { SimContent } from './content.js';
import type { HookResult, SimTrainer } from './hosts/trainer.js';

/** How a job's checkpoints reach the Hub. */
export type UploadPolicy = { kind: 'ok' } | { kind: 'lag'; steps: number } | { kind: 'partial' } | { kind: 'never' };

/** Checkpoints uploaded when a job catches up over a long gap: the newest few, not thousands. */
const CATCH_UP = 3;

/** Parses SIM_HUB_UPLOAD; unknown text falls back to `ok`. */
export function parseUploadPolicy(text: string | undefined): UploadPolicy {
  const t = (text ?? '').trim();
  const lag = /^lag:(\d+)$/.exec(t);
  if (lag) return { kind: 'lag', steps: Number(lag[1]) };
  if (t === 'never' || t === 'partial') return { kind: t };
  return { kind: 'ok' };
}

interface Job {
  rec: InstanceRec;
  trainer: SimTrainer;
  repo: string | null;
  /** VASTDECK_RUN_ID of the instance, named in each upload's commit message. */
  runId: string | null;
  uploaded: Set<number>;
  policy: UploadPolicy;
}

const ok = (stdout = ''): HookResult => ({ stdout, stderr: '', code: 0 });
const fail = (stderr: string, code = 1): HookResult => ({ stdout: '', stderr, code });
const RESUME_FLAG = /--resume[_-]from[_-]checkpoint(?:=|\s+)(\S+)/;

/** Wires the hosts of a SimHostFleet to a Hub stand-in. */
export class HubLink {
  private readonly jobs = new Map<number, Job>();
  /** max_steps of the run uploading to each repo: a host that downloads its checkpoint runs the same config. */
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly world: World,
    private readonly hub: HubStandIn,
  ) {}

  /** Hooks into a host fleet: every new job gets the commands, its onstart, and its uploads. */
  attachTo(hosts: SimHostFleet): void {
    hosts.onTrainer = (rec, trainer) => this.attach(rec, trainer);
  }

  /** Changes a job's upload policy at run time (tests: make an upload lag or break). */
  setPolicy(instanceId: number, policy: UploadPolicy): void {
    const job = this.jobs.get(instanceId);
    if (job) job.policy = policy;
  }

  /** Sets up one job (called before its first tick). */
  attach(rec: InstanceRec, trainer: SimTrainer): void {
    const env = new Map(rec.env);
    const job: Job = {
      rec,
      trainer,
      repo: env.get('HUB_MODEL_ID') || null,
      runId: env.get('VASTDECK_RUN_ID') || null,
      uploaded: new Set(),
      policy: parseUploadPolicy(env.get('SIM_HUB_UPLOAD')),
    };
    this.jobs.set(rec.id, job);
    trainer.commandHook = (words) =>
      this.command(
        job,
        words.map((w) => expand(w, env)),
      );
    if (rec.onstart) this.runOnstart(job, rec.onstart);
  }

  /** Uploads what the policies allow; call on every simulator tick. */
  sync(): void {
    for (const [id, job] of this.jobs) {
      const rec = this.world.instances.get(id);
      if (!rec) {
        this.jobs.delete(id);
        continue;
      }
      if (!job.repo || rec.status !== 'running' || job.policy.kind === 'never') continue;
      job.trainer.tick();
      const pending = job.trainer.checkpoints.filter((s) => !job.uploaded.has(s)).slice(-CATCH_UP);
      for (const step of pending) {
        if (job.policy.kind === 'lag' && job.trainer.step < step + job.policy.steps) continue;
        this.upload(job, step);
      }
    }
  }

  private upload(job: Job, step: number): void {
    const files = job.trainer.checkpointFiles(step);
    if (!files) return;
    const message = `Training in progress, step ${step}${job.runId ? ` vastdeck-run=${job.runId}` : ''}`;
    for (const [f, c] of files) {
      // A partial upload dies before the model weights.
      if (job.policy.kind === 'partial' && f === 'model.safetensors') continue;
      this.hub.putFile(job.repo!, `checkpoint-${step}/${f}`, 'bytes' in c ? c.bytes : c, 'main', message);
    }
    job.uploaded.add(step);
    this.totals.set(job.repo!, job.trainer.scenario.totalSteps);
  }

  /** The onstart lines the simulator can act on: downloads and the tmux training session. */
  private runOnstart(job: Job, script: string): void {
    const env = new Map(job.rec.env);
    let starts = false;
    for (const line of script.split('\n')) {
      const at = line.search(/\b(huggingface-cli|hf) download\b|\btmux new-session\b/);
      if (at < 0) continue;
      const words = tokenize(line.slice(at)).map((w) => expand(w, env));
      const end = words.findIndex((w) => w === ';' || w === '&&' || w === '||' || w === '|');
      const cmd = end < 0 ? words : words.slice(0, end);
      if (cmd[0] === 'tmux') starts = true;
      this.command(job, cmd);
    }
    if (!starts) job.trainer.idle();
  }

  private command(job: Job, words: string[]): HookResult | undefined {
    const [cmd, ...args] = words;
    if ((cmd === 'huggingface-cli' || cmd === 'hf') && args[0] === 'download') return this.download(job, args.slice(1));
    if (cmd === 'tmux' && args[0] === 'new-session') return this.newSession(job, args.slice(1));
    if (cmd === 'tmux' && args[0] === 'kill-session') {
      const t = job.trainer;
      if (t.status === 'idle') return fail("can't find session: train\n");
      t.idle();
      return ok();
    }
    // What an onstart or resume line does besides: harmless on the simulated host.
    if (cmd === 'cd' || cmd === 'mkdir' || cmd === 'set' || cmd === 'export') return ok();
    return undefined;
  }

  private download(job: Job, args: string[]): HookResult {
    const repo = args.find((a) => !a.startsWith('-'));
    let localDir = '.';
    const include: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--local-dir') localDir = args[++i] ?? '.';
      else if (args[i] === '--include') include.push(args[++i] ?? '');
      else if (args[i]?.startsWith('--include=')) include.push(args[i]!.slice(10));
    }
    if (!repo) return fail('usage: huggingface-cli download REPO_ID [--include PATTERN] [--local-dir DIR]\n', 2);
    const files = this.hub.files(repo);
    if (files.length === 0) return fail(`Repository Not Found for url: ${this.hub.url}/api/models/${repo}\n`);
    const wanted = files.filter((f) => include.length === 0 || include.some((p) => globMatch(p, f.path)));
    const steps = new Map<number, Map<string, SimContent>>();
    for (const f of wanted) {
      const m = /^checkpoint-(\d+)\/(.+)$/.exec(f.path);
      if (!m) continue;
      const files = steps.get(Number(m[1])) ?? new Map<string, SimContent>();
      files.set(m[2]!, f.content);
      steps.set(Number(m[1]), files);
    }
    const dir = job.trainer.scenario.outputDir;
    if (localDir.replace(/\/+$/, '') === dir) for (const [s, files] of steps) job.trainer.receiveCheckpoint(s, files);
    const total = this.totals.get(repo);
    // The resumed run keeps the source's max_steps (same training config), not this host's default.
    if (steps.size && total && total > job.trainer.scenario.totalSteps)
      (job.trainer.scenario as { totalSteps: number }).totalSteps = total;
    return ok(`Fetching ${wanted.length} files: 100%|██████████| ${wanted.length}/${wanted.length}\n${localDir}\n`);
  }

  private newSession(job: Job, args: string[]): HookResult {
    const t = job.trainer;
    const ti = args.indexOf('-s');
    if (ti < 0 || args[ti + 1] !== 'train')
      return fail('the simulated host runs training only in the tmux session "train"\n');
    if (t.status === 'running' || t.status === 'stalled') return fail('duplicate session: train\n');
    const line = args
      .slice(ti + 2)
      .filter((a) => a !== '-d')
      .join(' ');
    const m = RESUME_FLAG.exec(line);
    if (!m) {
      t.resumeFrom(0);
      return ok();
    }
    const ck = /^(.*)\/checkpoint-(\d+)\/?$/.exec(m[1]!.replace(/^['"]|['"]$/g, ''));
    const step = ck ? Number(ck[2]) : NaN;
    if (!ck || ck[1] !== t.scenario.outputDir || !t.checkpoints.includes(step)) {
      // tmux itself succeeds; the Trainer dies at once, as the real one does.
      t.resumeFrom(0);
      t.failWith(`ValueError: Can't find a valid checkpoint at ${m[1]}\n`);
      return ok();
    }
    t.resumeFrom(step);
    return ok();
  }
}

/** $NAME and ${NAME} from the instance env (the simulated shell expands nothing else). */
function expand(word: string, env: Map<string, string>): string {
  return word.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_, a: string | undefined, b: string | undefined) => env.get((a ?? b)!) ?? '',
  );
}

/** fnmatch as huggingface_hub applies --include: * matches across slashes. */
function globMatch(pattern: string, path: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(path);
}
