/**
 * The post-boot check: is the host what was paid for? Vast's "running" says only that a container started;
 * operators get another GPU model, fewer GPUs, a smaller disk, or a GPU that fails CUDA (SkyPilot#9892,
 * #9733, #5022). Over SSH we read nvidia-smi and df (the parsers in src/core/host), run a CUDA smoke test and
 * the download test, and compare them with the offer and the profile. A mismatch means: destroy (nothing is
 * on the host yet), blacklist the machine, rent the next offer — provision() does that with the report.
 */
import type { Offer } from '../vast/types.js';
import type { Profile } from '../profiles/schema.js';
import type { SshTarget } from '../ssh/connect.js';
import type { ExecResult } from '../ssh/exec.js';
import { shellQuote } from '../ssh/quote.js';
import { sanitizeLine } from '../util/sanitize.js';
import { hostProbeCommand } from '../host/probe-commands.js';
import { parseHostFacts, type HostFacts } from '../host/probe.js';
import { measureDownload, type RemoteExec, type SpeedtestResult } from './speedtest.js';

/** What did not match, one line each. */
export interface HostMismatch {
  what: 'probe' | 'gpu_model' | 'gpu_count' | 'vram' | 'driver' | 'disk' | 'cuda' | 'speed';
  message: string;
}

/** The CUDA smoke test's outcome: `skipped` when the image has no python3 or torch (not the host's fault). */
export interface CudaSmoke {
  state: 'ok' | 'failed' | 'skipped';
  /** Devices torch saw, when it ran. */
  gpus?: number;
  detail?: string;
}

/** The whole check. */
export interface PostBootReport {
  ok: boolean;
  mismatches: HostMismatch[];
  /** Things worth saying that do not fail the host (smoke test skipped, speed test not configured). */
  notes: string[];
  facts: HostFacts | null;
  cuda: CudaSmoke;
  speed?: SpeedtestResult;
}

/** Slack on sizes: filesystems and GB/GiB rounding lose a little; more than this missing is a different host. */
export const SIZE_SLACK = 0.9;

/**
 * The smoke test: a matrix product on every device torch sees, checked, synchronised. Double quotes only, so it
 * survives one level of single quoting. Prints `vastdeck-cuda: ok N`, or `vastdeck-cuda: no-torch`.
 */
export const CUDA_SMOKE_SCRIPT = [
  'import sys',
  'try:',
  '    import torch',
  'except ImportError:',
  '    print("vastdeck-cuda: no-torch"); sys.exit(0)',
  'n = torch.cuda.device_count()',
  'if n == 0: raise RuntimeError("torch sees no CUDA device")',
  'for i in range(n):',
  '    x = torch.ones((512, 512), device="cuda:%d" % i)',
  '    y = float((x @ x).sum()); torch.cuda.synchronize(i)',
  '    if y != 512.0 ** 3: raise RuntimeError("wrong matmul result on cuda:%d" % i)',
  'print("vastdeck-cuda: ok %d" % n)',
].join('\n');

/** The remote command of the smoke test. */
export function cudaSmokeCommand(): string {
  return `python3 -c ${shellQuote(CUDA_SMOKE_SCRIPT)}`;
}

/** Reads the smoke test's result. A missing python3 or torch is skipped; anything else that is not "ok" failed. */
export function parseCudaSmoke(r: Pick<ExecResult, 'stdout' | 'stderr' | 'code'>): CudaSmoke {
  const ok = /vastdeck-cuda: ok (\d+)/.exec(r.stdout);
  if (r.code === 0 && ok) return { state: 'ok', gpus: Number(ok[1]) };
  if (r.code === 0 && /vastdeck-cuda: no-torch/.test(r.stdout))
    return { state: 'skipped', detail: 'the image has no torch: CUDA smoke test skipped' };
  if (r.code === 127) return { state: 'skipped', detail: 'the image has no python3: CUDA smoke test skipped' };
  const lines = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => sanitizeLine(l).trim())
    .filter(Boolean);
  const err =
    lines.find((l) => /error|exception/i.test(l) && !/^Traceback/.test(l)) ??
    lines[lines.length - 1] ??
    `exit ${r.code}`;
  return { state: 'failed', detail: err.slice(0, 200) };
}

const FORM_FACTOR = /^(sxm\d?|pcie|nvl|hbm\d?e?)$/;

/**
 * Does nvidia-smi's name ("NVIDIA GeForce RTX 3090", "NVIDIA H100 80GB HBM3") name the offer's GPU ("RTX 3090",
 * "H100 SXM")? Every word of the offer's name but the form factor must appear; a form factor that nvidia-smi
 * does name (PCIe, SXM) must agree.
 */
export function gpuNameMatches(offerName: string, smiName: string): boolean {
  const smi = smiName.toLowerCase().replace(/[^a-z0-9]/g, '');
  const words = offerName
    .toLowerCase()
    .split(/[\s_-]+/)
    .map((w) => w.replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);
  for (const w of words) {
    if (FORM_FACTOR.test(w)) {
      const kind = w.replace(/\d+e?$/, '');
      const other = kind === 'pcie' ? /sxm/ : kind === 'sxm' ? /pcie/ : null;
      if (other?.test(smi)) return false;
      continue;
    }
    if (!smi.includes(w)) return false;
  }
  return words.length > 0;
}

const gbOfMiB = (mib: number) => (mib * 1.048576) / 1000;
const round = (n: number) => (n >= 100 ? Math.round(n) : Math.round(n * 10) / 10);

/** Compares host facts and the smoke test with the offer and the profile. Pure. */
export function compareHost(
  facts: HostFacts,
  cuda: CudaSmoke,
  offer: Offer,
  profile: Pick<Profile, 'diskGb' | 'needs'>,
): HostMismatch[] {
  const out: HostMismatch[] = [];
  const gpus = facts.gpus;
  if (gpus.length === 0) {
    out.push({ what: 'probe', message: `nvidia-smi shows no GPU${facts.gpuError ? `: ${facts.gpuError}` : ''}` });
  } else {
    if (gpus.length !== offer.numGpus)
      out.push({
        what: 'gpu_count',
        message: `nvidia-smi lists ${gpus.length} GPU${gpus.length === 1 ? '' : 's'}, the offer has ${offer.numGpus}`,
      });
    const wrong = gpus.find((g) => !gpuNameMatches(offer.gpuName, g.name));
    if (wrong)
      out.push({
        what: 'gpu_model',
        message: `GPU ${wrong.index} is ${sanitizeLine(wrong.name)}, the offer said ${offer.gpuName}`,
      });
    const smallest = Math.min(...gpus.map((g) => g.memoryTotalMiB ?? Infinity));
    if (Number.isFinite(smallest)) {
      const gb = gbOfMiB(smallest);
      if (offer.gpuRamGb > 0 && gb < offer.gpuRamGb * SIZE_SLACK)
        out.push({
          what: 'vram',
          message: `GPU memory is ${round(gb)} GB, the offer said ${round(offer.gpuRamGb)} GB`,
        });
      else if (profile.needs.vramGb !== undefined && gb < profile.needs.vramGb)
        out.push({
          what: 'vram',
          message: `GPU memory is ${round(gb)} GB, the profile needs ${profile.needs.vramGb} GB`,
        });
    }
    const driver = gpus[0]!.driverVersion;
    const major = (v: string | null) => (v ? (/^(\d+)/.exec(v)?.[1] ?? null) : null);
    if (offer.driverVersion && driver && major(driver) !== major(offer.driverVersion)) {
      out.push({ what: 'driver', message: `driver ${sanitizeLine(driver)}, the offer said ${offer.driverVersion}` });
    }
  }
  const disk = facts.disks[0];
  if (!disk) out.push({ what: 'probe', message: 'df gave no disk figures' });
  else {
    const size = disk.sizeBytes / 1e9;
    const avail = disk.availableBytes / 1e9;
    const need = profile.needs.modelGb + profile.needs.checkpointsGb;
    if (size < profile.diskGb * SIZE_SLACK)
      out.push({ what: 'disk', message: `disk is ${round(size)} GB, ${profile.diskGb} GB was paid for` });
    else if (need > 0 && avail < need)
      out.push({
        what: 'disk',
        message: `${round(avail)} GB free on disk, the profile needs ${need} GB (model + checkpoints)`,
      });
  }
  if (cuda.state === 'failed')
    out.push({ what: 'cuda', message: `CUDA smoke test failed: ${cuda.detail ?? 'no detail'}` });
  else if (cuda.state === 'ok' && cuda.gpus !== undefined && cuda.gpus !== offer.numGpus) {
    out.push({
      what: 'cuda',
      message: `torch sees ${cuda.gpus} CUDA device${cuda.gpus === 1 ? '' : 's'}, the offer has ${offer.numGpus}`,
    });
  }
  return out;
}

/** Options of the check. */
export interface PostBootOptions {
  offer: Offer;
  profile: Profile;
  /** Seconds for the smoke test at most (default 120: the first CUDA init can be slow). */
  cudaSeconds?: number;
}

/**
 * Runs the whole check over SSH. Never throws for what the host says; an SSH failure throws (the caller reports it).
 */
export async function checkHostAfterBoot(
  exec: RemoteExec,
  target: SshTarget,
  opts: PostBootOptions,
): Promise<PostBootReport> {
  const { offer, profile } = opts;
  const notes: string[] = [];
  const probe = await exec(target, hostProbeCommand('/'), { timeoutMs: 60_000, maxBytes: 256 * 1024 });
  const facts = parseHostFacts(probe.stdout);
  const seconds = opts.cudaSeconds ?? 120;
  const cuda = parseCudaSmoke(
    await exec(target, cudaSmokeCommand(), { timeoutMs: seconds * 1000, maxBytes: 64 * 1024 }),
  );
  if (cuda.state === 'skipped' && cuda.detail) notes.push(cuda.detail);
  const mismatches = compareHost(facts, cuda, offer, profile);
  let speed: SpeedtestResult | undefined;
  const st = profile.speedtest;
  if (st) {
    speed = await measureDownload(exec, target, st.urls, {
      advertisedMbps: offer.inetDownMbps,
      seconds: st.seconds,
      neutral: st.neutral,
      minMbps: st.minMbps,
    });
    if (!speed.ok) mismatches.push({ what: 'speed', message: speed.warning ?? 'a real endpoint is slow' });
    else if (speed.warning) notes.push(speed.warning);
  }
  return { ok: mismatches.length === 0, mismatches, notes, facts, cuda, speed };
}

/** One line for a failed check: "GPU 0 is NVIDIA GeForce RTX 3080, the offer said RTX 3090; disk is 40 GB, …". */
export function describeMismatches(r: Pick<PostBootReport, 'mismatches'>): string {
  return r.mismatches.map((m) => m.message).join('; ');
}
