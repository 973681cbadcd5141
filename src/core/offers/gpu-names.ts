/**
 * GPU names in offer queries, matched as Vast matches them: case does not matter and `_` stands for a space, so
 * `gpu_name=rtx_4090` and `gpu_name=RTX 4090` (typed with a space in the filter line) both mean "RTX 4090". The
 * names come from `GET /api/v0/gpu_names/unique/`; a name that is none of them is reported with the closest.
 */
import { editDistance as distance } from '../util/edit-distance.js';

/** "RTX_4090", "rtx  4090" → "rtx 4090". */
export function normalizeGpuName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .trim();
}

/** The filter text with every gpu_name value spelled as Vast spells it, or the unknown name and the closest. */
export type GpuNameResolution = { ok: true; text: string } | { ok: false; error: string };

const GPU_CLAUSE = /^(gpu_name)(==|=|!=)(.*)$/i;
const GPU_LIST = /^(gpu_name)\s+(in|notin|nin)\s+(\[[^\]]*\])/i;
const WILDCARD = new Set(['any', '?', '*']);

/** Rewrites the gpu_name clauses of `text` to the known spelling (underscores for spaces, as the syntax wants). */
export function resolveGpuNames(text: string, known: readonly string[]): GpuNameResolution {
  const byNorm = new Map(known.map((n) => [normalizeGpuName(n), n]));
  const wire = (n: string) => n.replace(/ /g, '_');
  // `gpu_name in [a,b]` first: its items are names too.
  let out = text.replace(new RegExp(GPU_LIST.source, 'gi'), (_whole, f: string, op: string, list: string) => {
    const items = list
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return `${f} ${op} [${items.map((i) => wire(byNorm.get(normalizeGpuName(i.replace(/^"|"$/g, ''))) ?? i)).join(',')}]`;
  });
  for (const m of out.matchAll(new RegExp(GPU_LIST.source, 'gi'))) {
    for (const item of m[3]!
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!byNorm.has(normalizeGpuName(item.replace(/^"|"$/g, '')))) return unknown(item, known);
    }
  }
  const tokens = out.split(/(\s+)/);
  const result: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const m = GPU_CLAUSE.exec(t);
    if (!m || m[3] === '' || WILDCARD.has(m[3]!) || m[3]!.startsWith('"')) {
      result.push(t);
      continue;
    }
    // The longest run of following words that, with the value, is a known name ("RTX" "4090" → "RTX 4090").
    const words: string[] = [m[3]!];
    for (let j = i + 2; j < tokens.length && words.length < 5; j += 2) {
      if (/[=<>[\]]/.test(tokens[j]!)) break;
      words.push(tokens[j]!);
    }
    let taken = -1;
    for (let k = words.length; k >= 1; k--) {
      const name = byNorm.get(normalizeGpuName(words.slice(0, k).join(' ')));
      if (name) {
        result.push(`${m[1]}${m[2]}${wire(name)}`);
        taken = k - 1;
        break;
      }
    }
    if (taken < 0) return unknown(m[3]!, known);
    i += taken * 2;
  }
  out = result.join('');
  return { ok: true, text: out };
}

function unknown(name: string, known: readonly string[]): GpuNameResolution {
  const close = closestGpuNames(name, known);
  return {
    ok: false,
    error: `no GPU named "${name.replace(/_/g, ' ')}" on Vast${close.length ? `; closest: ${close.join(', ')}` : ''}`,
  };
}

/** Up to three known names closest to `name` (containing it first, then by edit distance). */
export function closestGpuNames(name: string, known: readonly string[]): string[] {
  const n = normalizeGpuName(name);
  return known
    .map((k) => {
      const kn = normalizeGpuName(k);
      return { k, d: kn.includes(n) || n.includes(kn) ? Math.abs(kn.length - n.length) * 0.1 : distance(n, kn) };
    })
    .filter((x) => x.d <= Math.max(3, Math.floor(n.length / 2)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map((x) => x.k);
}
