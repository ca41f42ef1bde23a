/**
 * What size of synthetic cluster to build: the named presets of the benchmarks and the options they fill in.
 */
export const SCALE_PRESETS = {
  "20k": { nodes: 20, podsPerNode: 42, days: 1 },
  "100k": { nodes: 40, podsPerNode: 104, days: 1 },
  "1m": { nodes: 400, podsPerNode: 104, days: 1 },
  "5m": { nodes: 400, podsPerNode: 104, days: 5 },
  "20m": { nodes: 400, podsPerNode: 104, days: 20 },
  /** The 100k cluster with GPU nodes (dedicated and MIG) and its VM pods reported in vm_usage. */
  "100k-gpu-vm": { nodes: 40, podsPerNode: 104, days: 1, gpuVm: true },
} as const;

export type ScalePreset = keyof typeof SCALE_PRESETS;

export interface ScaleOptions {
  nodes: number;
  podsPerNode: number;
  days: number;
  /** First day (`YYYY-MM-DD`); the days must stay inside its month. */
  startDate: string;
  seed: number;
  /** Share of pods with a claim of their own (default 0.25). */
  storageShare?: number;
  /** Add GPUs (every 10th node, dedicated and MIG) and vm_usage rows for the VM pods (default false). */
  gpuVm?: boolean;
}
