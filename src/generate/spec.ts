/**
 * The generator's cluster description after parsing: what exists (nodes, namespaces, pods, volumes)
 * and how the dataset is shaped (run range, files, optional columns). Both description formats (our
 * YAML, nise's YAML) and the scale presets produce this; the row producers only read it.
 */

/** A label set as Koku stores it: keys without the operator's `label_` prefix. null = no label text. */
export type Labels = Record<string, string>;

/**
 * A value over time: `base` everywhere, `byDay` overriding whole UTC days (`YYYY-MM-DD`), `byHour`
 * (when given) a daily profile by UTC hour (cycled if shorter than 24) overriding both,
 * `jitter` the relative spread of deterministic per-interval noise (0 = exact).
 */
export interface Series {
  base: number;
  byDay: Record<string, number>;
  byHour?: number[];
  jitter: number;
}

/** Labels that change over time: `labels` until the first change, then each change from its instant. */
export interface TimedLabels {
  labels: Labels | null;
  changes: { from: string; labels: Labels | null }[];
}

export interface NodeSpec {
  name: string;
  resourceId: string;
  cpuCores: number;
  memoryGiB: number;
  /** Role in Koku's `reporting_ocp_nodes` table (params.json), when the dataset has that table. */
  role: string | null;
  /** Value of the pod rows' `node_role` column when the dataset writes it ('' = operator gave none). */
  operatorRole: string;
  labels: TimedLabels;
  /** false: the node has no node_labels rows at all (a missing label row; Koku derives no role). */
  reportLabels: boolean;
}

export interface NamespaceSpec {
  name: string;
  labels: TimedLabels;
  /** false: the namespace has no namespace_labels rows at all (a missing label row). */
  reportLabels: boolean;
}

/** Pod usage in cores / GiB; usage may cross the request (effective usage = greatest of both). */
export interface PodSpec {
  name: string;
  namespace: string;
  /** '' is written as an empty node (a pod without node); null writes a null node. */
  node: string | null;
  /** Overrides the node's resource id on this pod's rows (null: the node's). */
  resourceId: string | null;
  cpuUsage: Series;
  cpuRequest: Series;
  cpuLimit: Series;
  memUsageGiB: Series;
  memRequestGiB: Series;
  memLimitGiB: Series;
  /** Seconds the pod runs in each hour (3600 = always). */
  podSecondsPerHour: number;
  /** Pod labels; null writes a null label text (not `{}`). */
  labels: Labels | null;
  /** Active window (ISO instants, start inclusive, end exclusive); null = whole data range. */
  activeFrom: string | null;
  activeUntil: string | null;
}

/** One claim of a volume, mounted by zero or more pods (one storage row per pod and interval). */
export interface ClaimSpec {
  name: string;
  namespace: string;
  /** Pods mounting the claim; empty: one row with pod ''. */
  pods: string[];
  capacityGiB: number;
  usageGiB: Series;
  labels: Labels | null;
}

export interface VolumeSpec {
  name: string;
  storageClass: string;
  csiDriver: string;
  csiVolumeHandle: string;
  requestGiB: number;
  labels: Labels | null;
  /** No claims: a claimless volume, written as one row with empty namespace, pod, claim and node. */
  claims: ClaimSpec[];
  activeFrom: string | null;
  activeUntil: string | null;
}

/**
 * One GPU as a pod sees it (gpu_usage rows, after Koku's ingest: vendor `nvidia`, model name normalised, MIG
 * numbers derived). A dedicated GPU from an operator CSV has '' in the MIG text columns and null numbers.
 */
export interface GpuSpec {
  node: string;
  namespace: string;
  pod: string;
  gpuUuid: string;
  vendor: string;
  model: string;
  memoryMib: number;
  /** MIG columns; null: the column is absent from the files (older operators). */
  migInstanceId: string | null;
  migProfile: string | null;
  migStrategy: string | null;
  migSliceCount: number | null;
  gpuMaxSlices: number | null;
  migMemoryMib: number | null;
  /** Seconds the pod used the GPU in each hour. */
  uptimeSecondsPerHour: number;
  activeFrom: string | null;
  activeUntil: string | null;
}

/** One KubeVirt VM (vm_usage rows): one row per interval and disk (claim), or one with '' without disks. */
export interface VmSpec {
  name: string;
  namespace: string;
  node: string;
  cpuRequestCores: number;
  memoryRequestGiB: number;
  pvcs: string[];
  labels: Labels | null;
  activeFrom: string | null;
  activeUntil: string | null;
}

export type EffectiveUsageMode = "given" | "omitted" | "mixed";

export interface DatasetSpec {
  name: string;
  description: string;
  orgId: string;
  /** null: derived from the name and seed (uuid5), so a dataset is reproducible. */
  sourceUuid: string | null;
  clusterId: string;
  clusterAlias: string;
  reportPeriodId: number | null;
  year: number;
  month: number;
  /** The run's inclusive day range (params.json). */
  startDate: string;
  endDate: string;
  /** Instants whose intervals are written (start inclusive, end exclusive); may exceed the run range. */
  dataStart: string;
  dataEnd: string;
  intervalMinutes: number;
  enabledTagKeys: string[];
  costCategories: { namespace: string; cost_category_id: number }[];
  /** true: params.json lists the nodes' roles; false: `node_roles: null` (Koku derives them). */
  nodeRolesTable: boolean;
  /** Write the newer operators' `node_role` column in pod_usage. */
  nodeRoleColumn: boolean;
  /** Daily pod files: effective-usage columns written, omitted, or omitted in odd-numbered files. */
  dailyEffectiveUsage: EffectiveUsageMode;
  filesPerType: number;
  nodes: NodeSpec[];
  namespaces: NamespaceSpec[];
  pods: PodSpec[];
  volumes: VolumeSpec[];
  gpus: GpuSpec[];
  vms: VmSpec[];
}

export function staticLabels(labels: Labels | null): TimedLabels {
  return { labels, changes: [] };
}

/** `YYYY-MM-DD` of the day after `date`. */
export function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
