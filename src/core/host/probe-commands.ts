/**
 * The exact commands vastdeck runs on a GPU host to read its facts, and a one-shot probe that runs them all
 * under `### <command>` headings (the layout of test/fixtures/gpu-host/host-facts.txt).
 */

/** The nvidia-smi fields queried, in order; the csv parser maps columns by this list when there is no header. */
export const NVIDIA_SMI_FIELDS = [
  'index',
  'name',
  'uuid',
  'driver_version',
  'memory.total',
  'memory.used',
  'memory.free',
  'utilization.gpu',
  'utilization.memory',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'compute_cap',
] as const;

/** Per-GPU stats as bare numbers, one csv row per GPU. */
export const NVIDIA_SMI_COMMAND = `nvidia-smi --query-gpu=${NVIDIA_SMI_FIELDS.join(',')} --format=csv,noheader,nounits`;

/** System memory in bytes. */
export const FREE_COMMAND = 'free -b';

/** Logical CPUs available to the container. */
export const NPROC_COMMAND = 'nproc';

/** Quotes one argument for a POSIX shell, so a path with spaces or quotes stays one word. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Disk usage in bytes of the filesystem holding `path`; -P keeps each filesystem on one line. */
export function dfCommand(path = '/'): string {
  return `df -B1 -P ${shellQuote(path)}`;
}

/** The default disk path: where Vast images put the work volume. */
export const DEFAULT_DISK_PATH = '/workspace';

/**
 * One command that prints every fact under a `### <command>` heading, errors included (2>&1), and never
 * fails as a whole: one missing tool (no nvidia-smi on a broken host) must not hide the others.
 */
export function hostProbeCommand(diskPath = DEFAULT_DISK_PATH): string {
  const df = dfCommand(diskPath);
  return [NVIDIA_SMI_COMMAND, FREE_COMMAND, df, NPROC_COMMAND]
    .map((cmd) => `echo ${shellQuote(`### ${cmd}`)}; ${cmd} 2>&1`)
    .join('; ');
}
