/**
 * The GPU catalogue the simulated market draws from. Names are spelled as Vast spells them on the wire
 * (with spaces); VRAM is MB per GPU as nvidia-smi reports it; compute_cap is capability ×100.
 * Prices are rough 2026 on-demand medians per GPU, so the market "looks right" to an operator.
 */

/** One GPU model in the catalogue. */
export interface GpuModel {
  name: string;
  /** VRAM per GPU in MB (one entry per memory variant). */
  vramMb: readonly number[];
  /** Compute capability ×100 (890 = sm_89). */
  computeCap: number;
  /** Typical on-demand $/hr per GPU. */
  price: number;
  /** FP32 TFLOPS per GPU. */
  tflops: number;
  /** DLPerf per GPU (Vast's score scale). */
  dlperf: number;
  /** Memory bandwidth GB/s. */
  memBw: number;
  /** Board power W. */
  power: number;
  /** NVLink bandwidth GB/s (0 = none). */
  nvlink: number;
  /** GPU counts machines of this model come in. */
  counts: readonly number[];
  /** Relative share of market offers. */
  weight: number;
  /** Lowest CUDA version a driver for this GPU can report (RTX 5090 needs 12.8). */
  minCuda: number;
  /** True for data-centre cards (they sit in servers with big RAM, fast links). */
  datacenter: boolean;
}

const C = (
  name: string,
  vramMb: number[],
  computeCap: number,
  price: number,
  tflops: number,
  dlperf: number,
  memBw: number,
  power: number,
  nvlink: number,
  counts: number[],
  weight: number,
  minCuda: number,
  datacenter: boolean,
): GpuModel => ({
  name,
  vramMb,
  computeCap,
  price,
  tflops,
  dlperf,
  memBw,
  power,
  nvlink,
  counts,
  weight,
  minCuda,
  datacenter,
});

/** Every GPU model in the simulated market. */
export const GPU_CATALOGUE: readonly GpuModel[] = [
  C('RTX 3090', [24576], 860, 0.22, 35.6, 22, 936, 350, 0, [1, 1, 2, 2, 4, 8], 14, 11.1, false),
  C('RTX 4090', [24564], 890, 0.4, 82.6, 43, 1008, 450, 0, [1, 1, 1, 2, 4, 8], 18, 11.8, false),
  C('RTX 5090', [32607], 1200, 0.7, 104.8, 60, 1792, 575, 0, [1, 1, 2, 4, 8], 8, 12.8, false),
  C('RTX 3080', [10240], 860, 0.1, 29.8, 16, 760, 320, 0, [1, 1, 2, 4], 5, 11.1, false),
  C('RTX 4080', [16376], 890, 0.22, 48.7, 28, 717, 320, 0, [1, 1, 2, 4], 4, 11.8, false),
  C('RTX 3060', [12288], 860, 0.06, 12.7, 8, 360, 170, 0, [1, 1, 2], 3, 11.1, false),
  C('RTX A5000', [24564], 860, 0.22, 27.8, 20, 768, 230, 0, [1, 2, 4, 8], 5, 11.1, true),
  C('RTX A6000', [49140], 860, 0.45, 38.7, 30, 768, 300, 112, [1, 2, 4, 8], 6, 11.1, true),
  C('RTX 6000Ada', [49140], 890, 0.75, 91.1, 50, 960, 300, 0, [1, 2, 4, 8], 4, 11.8, true),
  C('A40', [46068], 860, 0.4, 37.4, 28, 696, 300, 112, [1, 2, 4, 8], 4, 11.1, true),
  C('L4', [23034], 890, 0.3, 30.3, 18, 300, 72, 0, [1, 2, 4, 8], 3, 11.8, true),
  C('L40S', [46068], 890, 0.85, 91.6, 55, 864, 350, 0, [1, 2, 4, 8], 5, 11.8, true),
  C('A100 PCIE', [40960, 81920], 800, 0.9, 19.5, 45, 1935, 300, 600, [1, 2, 4, 8], 5, 11.0, true),
  C('A100 SXM4', [40960, 81920], 800, 1.1, 19.5, 52, 2039, 400, 600, [1, 2, 4, 8, 8], 5, 11.0, true),
  C('H100 PCIE', [81559], 900, 1.9, 51.2, 85, 2000, 350, 600, [1, 2, 4, 8], 3, 11.8, true),
  C('H100 SXM', [81559], 900, 2.4, 66.9, 110, 3350, 700, 900, [1, 2, 4, 8, 8], 5, 11.8, true),
  C('H200', [143771], 900, 3.2, 66.9, 125, 4800, 700, 900, [1, 8, 8], 2, 12.2, true),
  C('Tesla V100', [16384, 32768], 700, 0.18, 15.7, 14, 900, 300, 300, [1, 2, 4, 8], 3, 11.0, true),
  C('Tesla T4', [15360], 750, 0.12, 8.1, 6, 320, 70, 0, [1, 2, 4], 3, 11.0, true),
];

/** Look up a model by its wire name (exact, case-insensitive), or undefined. */
export function findGpu(name: string): GpuModel | undefined {
  const n = name.toLowerCase();
  return GPU_CATALOGUE.find((g) => g.name.toLowerCase() === n);
}
