/**
 * Synthetic clusters of a given size for benchmarks: nodes with roles and zones, system and
 * application namespaces, pods with varied labels and usage, claims on per-pod and shared volumes.
 * Built with a seeded generator, so one seed always gives the same cluster.
 */
import { SeededRandom } from "./noise.js";
import {
  type ClaimSpec,
  type DatasetSpec,
  dayAfter,
  type GpuSpec,
  type Labels,
  type NamespaceSpec,
  type NodeSpec,
  type PodSpec,
  type Series,
  staticLabels,
  type VmSpec,
  type VolumeSpec,
} from "./spec.js";

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

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const TEAMS = [
  "payments",
  "search",
  "identity",
  "catalog",
  "checkout",
  "data",
  "ml",
  "platform",
  "mobile",
  "ops",
];
const APPS = ["api", "web", "worker", "cache", "db", "queue", "gateway", "scheduler", "indexer", "reporter"];
const ENVS = ["prod", "stage", "qa", "dev"];
const TIERS = ["frontend", "backend", "batch", "storage"];
const EXTRA_KEYS = ["version", "owner", "release", "component", "managed_by", "part_of", "instance", "track"];
const EXTRA_VALUES = [
  "v1",
  "v2",
  "v3",
  "alice",
  "bob",
  "canary",
  "stable",
  "helm",
  "operator",
  "blue",
  "green",
];
const CPU_REQUESTS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4];
const MEM_REQUESTS = [0.125, 0.25, 0.5, 1, 2, 4, 8];
const STORAGE_CLASSES = [
  { name: "gp3-csi", driver: "ebs.csi.aws.com" },
  { name: "gp2", driver: "" },
  { name: "ocs-storagecluster-cephfs", driver: "openshift-storage.cephfs.csi.ceph.com" },
];
const SYSTEM_NAMESPACES = {
  master: ["openshift-kube-apiserver", "openshift-etcd", "openshift-kube-scheduler"],
  infra: ["openshift-ingress", "openshift-monitoring", "openshift-image-registry"],
  worker: ["openshift-dns", "openshift-sdn", "kube-system"],
};

/** Series are read-only once built: share one empty day map, and one object per repeated value. */
const NO_DAY_VALUES: Record<string, number> = Object.freeze({}) as Record<string, number>;
const seriesCache = new Map<string, Series>();

function series(base: number, jitter: number): Series {
  const key = `${base}|${jitter}`;
  let cached = seriesCache.get(key);
  if (cached === undefined) {
    cached = { base, byDay: NO_DAY_VALUES, jitter };
    // Random bases are unique: caching them would only grow the cache.
    if (jitter === 0) seriesCache.set(key, cached);
  }
  return cached;
}

function hex(random: SeededRandom, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[random.int(0, 15)];
  return out;
}

/** Share of a node's capacity pods may use (the rest is the system's, as kubelet reserves it). */
const NODE_ALLOCATABLE = 0.9;
const CPU_JITTER = 0.3;
const MEM_JITTER = 0.1;
/** Peak effective usage per unit of request: max(request, usage at its highest jitter). */
const cpuPeak = (usageShare: number) => Math.max(1, usageShare * (1 + CPU_JITTER));
const memPeak = (usageShare: number) => Math.max(1, usageShare * (1 + MEM_JITTER));

/** The request, shrunk so that request × peak fits the node's remaining budget; takes it from the budget. */
function fitToNode(
  request: number,
  peakPerRequest: number,
  budget: { cpu: number; mem: number },
  resource: "cpu" | "mem",
): number {
  const fitted = Math.min(request, budget[resource] / peakPerRequest);
  // Rounded down to a millicore / MiB-ish step so the rows stay readable; never below zero.
  const step = resource === "cpu" ? 0.001 : 1 / 1024;
  const rounded = Math.max(0, Math.floor(fitted / step) * step);
  budget[resource] -= rounded * peakPerRequest;
  return rounded;
}

function roleOf(index: number, nodeCount: number): "master" | "infra" | "worker" {
  const masters = nodeCount >= 10 ? 3 : nodeCount >= 3 ? 1 : 0;
  const infras = Math.floor(nodeCount / 10);
  if (index < masters) return "master";
  if (index < masters + infras) return "infra";
  return "worker";
}

export function scaleCluster(options: ScaleOptions): DatasetSpec {
  const random = new SeededRandom(options.seed);
  const endDate = scaleEndDate(options);
  // Draw order is part of the output (same seed, same dataset): nodes, namespaces, pods with their volumes,
  // released volumes.
  const nodes = scaleNodes(random, options.nodes);
  const { namespaces, appNamespaces } = scaleNamespaces(random, options);
  const { pods, volumes } = scaleWorkloads(random, nodes, appNamespaces, options);
  volumes.push(...releasedVolumes(random, options.nodes));
  return scaleDataset(options, endDate, { nodes, namespaces, pods, volumes });
}

function scaleEndDate(options: ScaleOptions): string {
  const month = Number(options.startDate.slice(5, 7));
  let endDate = options.startDate;
  for (let d = 1; d < options.days; d++) endDate = dayAfter(endDate);
  if (Number(endDate.slice(5, 7)) !== month) {
    throw new Error(`--days ${options.days} from ${options.startDate} leaves the month; pick fewer days`);
  }
  return endDate;
}

function scaleNodes(random: SeededRandom, count: number): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < count; i++) {
    const role = roleOf(i, count);
    const cores = role === "worker" ? random.pick([16, 32, 64]) : 8;
    const zone = ZONES[i % ZONES.length];
    const name = `ip-10-0-${Math.floor(i / 250)}-${i % 250}.ec2.internal`;
    nodes.push({
      name,
      resourceId: `i-${hex(random, 17)}`,
      cpuCores: cores,
      memoryGiB: cores * random.pick([4, 8]),
      role,
      operatorRole: role,
      reportLabels: true,
      labels: staticLabels({
        node_role_kubernetes_io: role,
        topology_kubernetes_io_zone: zone,
        node_kubernetes_io_instance_type: random.pick(["m5.4xlarge", "m6i.8xlarge", "r5.2xlarge"]),
        kubernetes_io_hostname: name,
      }),
    });
  }
  return nodes;
}

interface AppNamespace {
  name: string;
  team: string;
  env: string;
}

/** Application namespaces (about one per 40 pods, each a team's in one environment), then the system ones. */
function scaleNamespaces(
  random: SeededRandom,
  options: ScaleOptions,
): { namespaces: NamespaceSpec[]; appNamespaces: AppNamespace[] } {
  const appNamespaceCount = Math.max(3, Math.round((options.nodes * options.podsPerNode) / 40));
  const namespaces: NamespaceSpec[] = [];
  const appNamespaces: AppNamespace[] = [];
  for (let i = 0; i < appNamespaceCount; i++) {
    const team = TEAMS[i % TEAMS.length];
    const env = random.pick(ENVS);
    const name = `${team}-${env}-${i}`;
    appNamespaces.push({ name, team, env });
    const labels: Labels = { team, env };
    if (random.next() < 0.5) labels.cost_center = `cc-${random.int(100, 120)}`;
    namespaces.push({ name, labels: staticLabels(labels), reportLabels: true });
  }
  for (const name of Object.values(SYSTEM_NAMESPACES).flat()) {
    namespaces.push({
      name,
      labels: staticLabels({ openshift_io_cluster_monitoring: "true" }),
      reportLabels: true,
    });
  }
  return { namespaces, appNamespaces };
}

/** Pods per node (three system pods first), a share of the application pods with a claim. */
function scaleWorkloads(
  random: SeededRandom,
  nodes: readonly NodeSpec[],
  appNamespaces: readonly AppNamespace[],
  options: ScaleOptions,
): { pods: PodSpec[]; volumes: VolumeSpec[] } {
  const pods: PodSpec[] = [];
  const volumes: VolumeSpec[] = [];
  const storageShare = options.storageShare ?? 0.25;
  const sharedVolumes: { volume: VolumeSpec; claim: ClaimSpec }[] = [];
  for (const node of nodes) {
    const role = node.role as keyof typeof SYSTEM_NAMESPACES;
    const budget = { cpu: node.cpuCores * NODE_ALLOCATABLE, mem: node.memoryGiB * NODE_ALLOCATABLE };
    for (let p = 0; p < options.podsPerNode; p++) {
      const system = p < 3;
      const ns = system
        ? { name: SYSTEM_NAMESPACES[role][p], team: "platform", env: "prod" }
        : appNamespaces[random.int(0, appNamespaces.length - 1)];
      const app = system ? ns.name.replace(/^openshift-|^kube-/, "") : random.pick(APPS);
      const pod = scalePod(random, node, ns, app, system, budget);
      pods.push(pod);
      if (system || random.next() >= storageShare) continue;
      if (random.next() < 0.05 && sharedVolumes.length > 0) {
        // Mount an existing shared (RWX) claim of the same namespace if there is one: one PV, many nodes.
        const shared = sharedVolumes.find((s) => s.claim.namespace === ns.name);
        if (shared) {
          shared.claim.pods.push(pod.name);
          continue;
        }
      }
      const { volume, claim } = scaleVolume(random, ns.name, app, pod.name);
      volumes.push(volume);
      if (volume.storageClass.includes("cephfs")) sharedVolumes.push({ volume, claim });
    }
  }
  return { pods, volumes };
}

function scalePod(
  random: SeededRandom,
  node: NodeSpec,
  ns: AppNamespace,
  app: string,
  system: boolean,
  budget: { cpu: number; mem: number },
): PodSpec {
  const name = `${app}-${random.suffix(9)}-${random.suffix(5)}`;
  const cpuRequestDrawn = random.pick(CPU_REQUESTS);
  const memRequestDrawn = random.pick(MEM_REQUESTS);
  const labels: Labels = { app, tier: random.pick(TIERS), team: ns.team, env: ns.env };
  for (let k = random.int(0, 3); k > 0; k--) labels[random.pick(EXTRA_KEYS)] = random.pick(EXTRA_VALUES);
  if (!system && random.next() < 0.01) labels.vm_kubevirt_io_name = `vm-${random.suffix(6)}`;
  // Drawn in the order they always were, so every other value of a dataset stays the same.
  const cpuUsageShare = 0.1 + random.next() * 1.2;
  const cpuLimitFactor = random.pick([1, 2, 4]);
  const memUsageShare = 0.2 + random.next();
  const memLimitFactor = random.pick([1, 2]);
  // Like the scheduler (requests fit the node) and the kernel (usage cannot pass capacity): the pod's
  // request shrinks until its peak effective usage, max(request, usage), fits what the node has left.
  // So capacity >= usage on every node, and no unallocated row goes negative.
  const cpuRequest = fitToNode(cpuRequestDrawn, cpuPeak(cpuUsageShare), budget, "cpu");
  const memRequest = fitToNode(memRequestDrawn, memPeak(memUsageShare), budget, "mem");
  return {
    name,
    namespace: ns.name,
    node: node.name,
    resourceId: null,
    cpuUsage: series(cpuRequest * cpuUsageShare, CPU_JITTER),
    cpuRequest: series(cpuRequest, 0),
    cpuLimit: series(cpuRequest * cpuLimitFactor, 0),
    memUsageGiB: series(memRequest * memUsageShare, MEM_JITTER),
    memRequestGiB: series(memRequest, 0),
    memLimitGiB: series(memRequest * memLimitFactor, 0),
    podSecondsPerHour: random.next() < 0.05 ? random.int(600, 3599) : 3600,
    labels,
    activeFrom: null,
    activeUntil: null,
  };
}

/** A new claim of one pod on its own volume. */
function scaleVolume(
  random: SeededRandom,
  namespace: string,
  app: string,
  pod: string,
): { volume: VolumeSpec; claim: ClaimSpec } {
  const storageClass = random.pick(STORAGE_CLASSES);
  const capacity = random.pick([1, 5, 10, 20, 50, 100]);
  const claim: ClaimSpec = {
    name: `${app}-data-${random.suffix(5)}`,
    namespace,
    pods: [pod],
    capacityGiB: capacity,
    usageGiB: series(capacity * random.next(), 0.05),
    labels: random.next() < 0.5 ? { app } : {},
  };
  const volume: VolumeSpec = {
    name: `pvc-${hex(random, 8)}-${hex(random, 4)}-${hex(random, 12)}`,
    storageClass: storageClass.name,
    csiDriver: storageClass.driver,
    csiVolumeHandle: storageClass.driver === "" ? "" : `vol-${hex(random, 17)}`,
    requestGiB: capacity,
    labels: { storageclass: storageClass.name },
    claims: [claim],
    activeFrom: null,
    activeUntil: null,
  };
  return { volume, claim };
}

/** A few released volumes without a claim: capacity only. */
function releasedVolumes(random: SeededRandom, nodeCount: number): VolumeSpec[] {
  const volumes: VolumeSpec[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(nodeCount / 50)); i++) {
    volumes.push({
      name: `pvc-released-${i}`,
      storageClass: "gp3-csi",
      csiDriver: "ebs.csi.aws.com",
      csiVolumeHandle: `vol-${hex(random, 17)}`,
      requestGiB: 50,
      labels: {},
      claims: [],
      activeFrom: null,
      activeUntil: null,
    });
  }
  return volumes;
}

function scaleDataset(
  options: ScaleOptions,
  endDate: string,
  cluster: Pick<DatasetSpec, "nodes" | "namespaces" | "pods" | "volumes">,
): DatasetSpec {
  const [year, month] = options.startDate.split("-").map(Number);
  const name = `scale-${options.nodes}x${options.podsPerNode}x${options.days}d`;
  return {
    name,
    description: `${options.nodes} nodes × ${options.podsPerNode} pods × ${options.days} day(s)`,
    orgId: "org1234567",
    sourceUuid: null,
    clusterId: `cluster-${name}`,
    clusterAlias: `Cluster ${name}`,
    reportPeriodId: 1,
    year,
    month,
    startDate: options.startDate,
    endDate,
    dataStart: options.startDate,
    dataEnd: dayAfter(endDate),
    intervalMinutes: 60,
    enabledTagKeys: ["app", "env", "team", "tier", "cost_center", "version"],
    costCategories: [
      { namespace: "openshift-%", cost_category_id: 1 },
      { namespace: "kube-%", cost_category_id: 1 },
      { namespace: "Platform unallocated", cost_category_id: 1 },
    ],
    nodeRolesTable: true,
    nodeRoleColumn: false,
    dailyEffectiveUsage: "given",
    filesPerType: 1,
    ...cluster,
    gpus: options.gpuVm ? scaleGpus(cluster.nodes, cluster.pods) : [],
    vms: options.gpuVm ? scaleVms(cluster.pods, cluster.volumes) : [],
  };
}

/**
 * GPUs derived from the pods already drawn (no extra random draws, so the rest of the cluster is the same as
 * without them): on every 10th node, its first four application pods each use one GPU — a dedicated T4 for
 * even ones, a MIG instance of one A100 for odd ones.
 */
function scaleGpus(nodes: NodeSpec[], pods: PodSpec[]): GpuSpec[] {
  const gpus: GpuSpec[] = [];
  nodes.forEach((node, n) => {
    if (n % 10 !== 0) return;
    const onNode = pods
      .filter((p) => p.node === node.name && !p.namespace.startsWith("openshift-"))
      .slice(0, 4);
    onNode.forEach((pod, i) => {
      const mig = i % 2 === 1;
      gpus.push({
        node: node.name,
        namespace: pod.namespace,
        pod: pod.name,
        gpuUuid: mig ? `GPU-a100-${n}` : `GPU-t4-${n}-${i}`,
        vendor: "nvidia",
        model: mig ? "A100 SXM4 40GB" : "Tesla T4",
        memoryMib: mig ? 40960 : 15360,
        migInstanceId: mig ? `MIG-a100-${n}-${i}` : "",
        migProfile: mig ? "3g.20gb" : "",
        migStrategy: mig ? "mixed" : "",
        migSliceCount: mig ? 3 : null,
        gpuMaxSlices: mig ? 7 : null,
        migMemoryMib: mig ? 20480 : null,
        uptimeSecondsPerHour: 3600,
        activeFrom: null,
        activeUntil: null,
      });
    });
  });
  return gpus;
}

/** vm_usage rows for the pods labelled vm_kubevirt_io_name, with the claims those pods mount. */
function scaleVms(pods: PodSpec[], volumes: VolumeSpec[]): VmSpec[] {
  return pods
    .filter((p) => p.labels?.vm_kubevirt_io_name !== undefined && p.node !== null)
    .map((p) => ({
      name: (p.labels as Labels).vm_kubevirt_io_name,
      namespace: p.namespace,
      node: p.node as string,
      cpuRequestCores: p.cpuRequest.base,
      memoryRequestGiB: p.memRequestGiB.base,
      pvcs: volumes.flatMap((v) => v.claims.filter((c) => c.pods.includes(p.name)).map((c) => c.name)),
      labels: { app: (p.labels as Labels).app ?? "vm" },
      activeFrom: null,
      activeUntil: null,
    }));
}
