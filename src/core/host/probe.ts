/** Splits and parses the output of hostProbeCommand (or any `### <command>` sectioned capture). */
import { sanitizeLine } from '../util/sanitize.js';
import { parseNvidiaSmiCsv, type GpuStat } from './nvidia-smi.js';
import { parseDf, parseFree, parseNproc, type DiskUsage, type MemoryInfo } from './system.js';

/** What a host probe found; a fact is missing when its command failed or printed something unexpected. */
export interface HostFacts {
  gpus: GpuStat[];
  memory?: MemoryInfo;
  disks: DiskUsage[];
  cpus?: number;
  /** Raw (trimmed, capped) output of nvidia-smi when it produced no GPU rows, e.g. a driver error. */
  gpuError?: string;
}

/** Splits text into sections by `### heading` lines; text before the first heading is dropped. */
export function splitSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    if (name !== undefined) sections.set(name, body.join('\n'));
  };
  for (const line of text.split(/\r?\n/)) {
    const m = /^### (.+)$/.exec(line);
    if (m) {
      flush();
      name = m[1]!.trim();
      body = [];
    } else body.push(line);
  }
  flush();
  return sections;
}

/**
 * Parses a sectioned capture; sections are recognised by their command (`nvidia-smi --query-gpu`, `free`, `df`,
 * `nproc`).
 */
export function parseHostFacts(text: string): HostFacts {
  const facts: HostFacts = { gpus: [], disks: [] };
  for (const [heading, body] of splitSections(text)) {
    if (heading.startsWith('nvidia-smi --query-gpu')) {
      facts.gpus = parseNvidiaSmiCsv(body);
      if (facts.gpus.length === 0 && body.trim() !== '')
        facts.gpuError = sanitizeLine(body.trim().split('\n')[0]!).slice(0, 200);
    } else if (heading.startsWith('free')) facts.memory = parseFree(body);
    else if (heading.startsWith('df')) facts.disks = parseDf(body);
    else if (heading === 'nproc') facts.cpus = parseNproc(body);
  }
  if (facts.memory === undefined) delete facts.memory;
  if (facts.cpus === undefined) delete facts.cpus;
  return facts;
}
