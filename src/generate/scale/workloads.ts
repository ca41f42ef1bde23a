/**
 * Pods with varied labels and usage, fitted to their node's capacity, and their claims on per-pod and shared
 * volumes; then a few released volumes without a claim.
 */
import type { SeededRandom } from "../noise.js";
import type { ClaimSpec, Labels, NodeSpec, PodSpec, VolumeSpec } from "../spec.js";
import { hex, series } from "./draws.js";
import type { ScaleOptions } from "./options.js";
import { type AppNamespace, SYSTEM_NAMESPACES } from "./topology.js";

const APPS = ["api", "web", "worker", "cache", "db", "queue", "gateway", "scheduler", "indexer", "reporter"];
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

/** Pods per node (three system pods first), a share of the application pods with a claim. */
export function scaleWorkloads(
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
export function releasedVolumes(random: SeededRandom, nodeCount: number): VolumeSpec[] {
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
