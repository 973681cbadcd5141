/**
 * CUDA compatibility facts. A GPU needs a minimum CUDA toolkit to have kernels built for it at all:
 * an RTX 5090 (compute 12.0, sm_120) runs nothing from an image built with CUDA older than 12.8, and a
 * host whose driver reports a CUDA version older than the image's cannot start the image's runtime.
 */

// Minimum CUDA toolkit that can target each compute capability (NVIDIA's CUDA release notes).
const MIN_CUDA_FOR_COMPUTE: Array<[cc: number, cuda: number]> = [
  [12.0, 12.8],
  [10.0, 12.8],
  [9.0, 11.8],
  [8.9, 11.8],
  [8.6, 11.1],
  [8.0, 11.0],
  [7.5, 10.0],
  [7.0, 9.0],
];

/** The oldest CUDA that can build kernels for a compute capability (e.g. 12.0 → 12.8), or null when unknown/old. */
export function minCudaForCompute(computeCap: number | null): number | null {
  if (computeCap === null) return null;
  for (const [cc, cuda] of MIN_CUDA_FOR_COMPUTE) if (computeCap >= cc - 1e-9) return cuda;
  return null;
}

/** The CUDA version an image is built for, read from its tag: "…-cuda12.4-…", "…cu124…", "nvidia/cuda:12.4.1-…". */
export function imageCuda(image: string): number | null {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : image;
  let m = /cuda[-_]?(\d{1,2})\.(\d)/i.exec(tag);
  if (m) return Number(`${m[1]}.${m[2]}`);
  m = /(?:^|[^a-z])cu(\d{2})(\d)(?!\d)/i.exec(tag);
  if (m) return Number(`${m[1]}.${m[2]}`);
  if (/(^|\/)nvidia\/cuda$/.test(image.slice(0, image.lastIndexOf(':')))) {
    m = /^(\d{1,2})\.(\d)/.exec(tag);
    if (m) return Number(`${m[1]}.${m[2]}`);
  }
  return null;
}

/** Compares CUDA versions as numbers with a tolerance, since 12.10 is not a thing Vast reports. */
export function cudaBelow(have: number, need: number): boolean {
  return have < need - 1e-9;
}
