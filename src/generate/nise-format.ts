/**
 * nise's static OpenShift description (`generators: - OCPGenerator: nodes: …`), so manifests users
 * already wrote for nise work as they are: nodes with namespaces, pods, volumes with claims, virtual
 * machines; `label_a:b|label_c:d` labels; usage as `full_period` or per day (`M-D-YYYY`) values.
 * Values nise would draw at random are drawn from our seed instead; requests and limits are capped at
 * the node's capacity, as nise does.
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseOperatorLabels } from "./labels.js";
import { SeededRandom } from "./noise.js";
import {
  type ClaimSpec,
  type DatasetSpec,
  dayAfter,
  type NamespaceSpec,
  type NodeSpec,
  type PodSpec,
  type Series,
  staticLabels,
  type VolumeSpec,
} from "./spec.js";

/** Reference data nise files do not carry: the sample fixtures' lists. */
export const NISE_DEFAULT_ENABLED_TAG_KEYS = ["app", "env", "storage", "claim", "owner", "tier", "team"];
export const NISE_DEFAULT_COST_CATEGORIES = [
  { namespace: "openshift-%", cost_category_id: 1 },
  { namespace: "kube-%", cost_category_id: 1 },
  { namespace: "Platform unallocated", cost_category_id: 1 },
  { namespace: "analytic_", cost_category_id: 2 },
  { namespace: "analytics", cost_category_id: 3 },
];

const text = z.preprocess(
  (v) => (v === null || v === undefined ? undefined : String(v)),
  z.string().optional(),
);
const num = z.preprocess(
  (v) => (v === null || v === undefined || v === "" ? undefined : Number(v)),
  z.number().optional(),
);
const usage = z.record(z.string(), z.union([z.number(), z.string()])).nullish();
const date = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().nullish(),
);

const niseClaim = z.object({
  volume_claim_name: text,
  pod_name: text,
  labels: text,
  capacity_gig: num,
  volume_claim_usage_gig: usage,
});
const niseVolume = z.object({
  volume_name: text,
  storage_class: text,
  csi_driver: text,
  csi_volume_handle: text,
  volume_request_gig: num,
  labels: text,
  volume_claims: z.array(niseClaim).nullish(),
});
const nisePod = z.object({
  pod_name: text,
  cpu_request: num,
  mem_request_gig: num,
  cpu_limit: num,
  mem_limit_gig: num,
  pod_seconds: num,
  cpu_usage: usage,
  mem_usage_gig: usage,
  labels: text,
});
const niseVm = z.object({
  vm_name: text,
  cpu_request: num,
  cpu_limit: num,
  mem_request_gig: num,
  mem_limit_gig: num,
  cpu_usage: usage,
  mem_usage_gig: usage,
  vm_seconds: num,
  labels: text,
  capacity_gig: num,
  volume_claim_name: text,
  storage_class: text,
});
const niseNamespace = z
  .object({
    namespace_labels: text,
    pods: z.array(nisePod).nullish(),
    volumes: z.array(niseVolume).nullish(),
    virtual_machines: z.array(niseVm).nullish(),
  })
  .nullish();
const niseNode = z.object({
  node_name: text,
  node_labels: text,
  node_role: text,
  cpu_cores: num,
  memory_gig: num,
  resource_id: text,
  namespaces: z.record(z.string(), niseNamespace).nullish(),
});
const niseDocument = z.object({
  generators: z.array(
    z.object({
      OCPGenerator: z
        .object({ start_date: date, end_date: date, nodes: z.array(niseNode).default([]) })
        .optional(),
    }),
  ),
});

export function isNiseDescription(yamlText: string): boolean {
  const doc = parseYaml(yamlText) as unknown;
  return typeof doc === "object" && doc !== null && "generators" in doc;
}

/** nise's per-day keys are `M-D-YYYY`; ours `YYYY-MM-DD`. */
function niseDay(key: string): string | null {
  const m = /^(\d{1,2})-(\d{1,2})-(\d{4})$/.exec(key.trim());
  if (m) return `${m[3]}-${m[1].padStart(2, "0")}-${m[2].padStart(2, "0")}`;
  return /^\d{4}-\d{2}-\d{2}$/.test(key.trim()) ? key.trim() : null;
}

export interface NiseParseOptions {
  seed: number;
  origin?: string;
  /** Used when the file has no start_date (default 2025-10-01); end defaults to the start day. */
  startDate?: string;
  endDate?: string;
}

export function parseNiseDescription(yamlText: string, options: NiseParseOptions): DatasetSpec {
  const origin = options.origin ?? "nise description";
  const generator = readGenerator(yamlText, origin);
  const random = new SeededRandom(options.seed);
  const startDate = (generator.start_date ?? options.startDate ?? "2025-10-01").slice(0, 10);
  const endDate = (generator.end_date ?? options.endDate ?? startDate).slice(0, 10);
  // Draw order is part of the output (same seed, same dataset): nodes in file order, each node's draws,
  // then per namespace its pods, virtual machines and volumes.
  const cluster: ClusterParts = { nodes: [], namespaces: new Map(), pods: [], volumes: [] };
  generator.nodes.forEach((n, nodeIndex) => {
    const node = nodeSpec(n, nodeIndex, random);
    cluster.nodes.push(node);
    for (const [nsName, ns] of Object.entries(n.namespaces ?? {})) {
      addNamespace(cluster, node, nsName, ns, random);
    }
  });
  return datasetSpec(cluster, startDate, endDate, options.origin);
}

type NiseGenerator = NonNullable<z.infer<typeof niseDocument>["generators"][number]["OCPGenerator"]>;
type NiseNode = z.infer<typeof niseNode>;
type NiseNamespace = z.infer<typeof niseNamespace>;

interface ClusterParts {
  nodes: NodeSpec[];
  namespaces: Map<string, NamespaceSpec>;
  pods: PodSpec[];
  volumes: VolumeSpec[];
}

function readGenerator(yamlText: string, origin: string): NiseGenerator {
  const parsed = niseDocument.safeParse(parseYaml(yamlText));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${origin}: invalid nise description: ${issues}`);
  }
  const generator = parsed.data.generators.find((g) => g.OCPGenerator)?.OCPGenerator;
  if (!generator) throw new Error(`${origin}: no OCPGenerator in generators`);
  return generator;
}

/** A usage value: full_period and per-day values, or nise's random draw when absent. */
function usageSeries(input: z.infer<typeof usage>, randomBase: number, jitter: number): Series {
  if (!input) return { base: randomBase, byDay: {}, jitter };
  const byDay: Record<string, number> = {};
  let base = randomBase;
  for (const [key, value] of Object.entries(input)) {
    if (key === "full_period") base = Number(value);
    else {
      const day = niseDay(key);
      if (day) byDay[day] = Number(value);
    }
  }
  return { base, byDay, jitter: 0 };
}

const fixed = (base: number): Series => ({ base, byDay: {}, jitter: 0 });

function nodeSpec(n: NiseNode, nodeIndex: number, random: SeededRandom): NodeSpec {
  const cores = n.cpu_cores ?? random.int(2, 16);
  const memory = n.memory_gig ?? random.int(4, 64);
  const rawId = n.resource_id ?? String(random.int(10_000_000, 99_999_999));
  const role = n.node_role ?? "worker";
  return {
    name: n.node_name ?? `node_${nodeIndex + 1}`,
    resourceId: rawId.startsWith("i-") ? rawId : `i-${rawId}`,
    cpuCores: cores,
    memoryGiB: memory,
    role,
    operatorRole: role,
    reportLabels: true,
    labels: staticLabels(parseOperatorLabels(n.node_labels)),
  };
}

/** A pod as nise describes it, requests and limits already capped at the node's capacity. */
interface PodDraft {
  name: string;
  cpuRequest: number;
  cpuLimit: number;
  memRequest: number;
  memLimit: number;
  cpuUsage: z.infer<typeof usage>;
  memUsage: z.infer<typeof usage>;
  seconds: number;
  labels: Record<string, string>;
}

function podSpec(p: PodDraft, node: NodeSpec, namespace: string, random: SeededRandom): PodSpec {
  return {
    name: p.name,
    namespace,
    node: node.name,
    resourceId: null,
    cpuUsage: usageSeries(p.cpuUsage, p.cpuRequest * (0.2 + 0.8 * random.next()), 0.1),
    cpuRequest: fixed(p.cpuRequest),
    cpuLimit: fixed(p.cpuLimit),
    memUsageGiB: usageSeries(p.memUsage, p.memRequest * (0.2 + 0.8 * random.next()), 0.1),
    memRequestGiB: fixed(p.memRequest),
    memLimitGiB: fixed(p.memLimit),
    podSecondsPerHour: Math.min(3600, p.seconds),
    labels: p.labels,
    activeFrom: null,
    activeUntil: null,
  };
}

/** One namespace of one node: its labels (first mention wins), pods, virtual machines and volumes. */
function addNamespace(
  cluster: ClusterParts,
  node: NodeSpec,
  nsName: string,
  ns: NiseNamespace,
  random: SeededRandom,
): void {
  if (!cluster.namespaces.has(nsName)) {
    cluster.namespaces.set(nsName, {
      name: nsName,
      labels: staticLabels(parseOperatorLabels(ns?.namespace_labels)),
      reportLabels: true,
    });
  }
  const capCpu = (v: number | undefined, fallback: number) => Math.min(v ?? fallback, node.cpuCores);
  const capMem = (v: number | undefined, fallback: number) => Math.min(v ?? fallback, node.memoryGiB);
  for (const [i, p] of (ns?.pods ?? []).entries()) {
    const cpuRequest = capCpu(p.cpu_request, 1);
    const memRequest = capMem(p.mem_request_gig, 1);
    const draft: PodDraft = {
      name: p.pod_name ?? `${nsName}_pod_${i + 1}`,
      cpuRequest,
      cpuLimit: capCpu(p.cpu_limit, cpuRequest),
      memRequest,
      memLimit: capMem(p.mem_limit_gig, memRequest),
      cpuUsage: p.cpu_usage,
      memUsage: p.mem_usage_gig,
      seconds: p.pod_seconds ?? 3600,
      labels: parseOperatorLabels(p.labels),
    };
    cluster.pods.push(podSpec(draft, node, nsName, random));
  }
  for (const vm of ns?.virtual_machines ?? []) {
    // A VM runs as a pod named after it, labelled vm_kubevirt_io_name (what Koku's VM rows key on).
    const vmName = vm.vm_name ?? `vm_${random.suffix(6)}`;
    const cpuRequest = capCpu(vm.cpu_request, 1);
    const memRequest = capMem(vm.mem_request_gig, 1);
    const draft: PodDraft = {
      name: vmName,
      cpuRequest,
      cpuLimit: capCpu(vm.cpu_limit, cpuRequest),
      memRequest,
      memLimit: capMem(vm.mem_limit_gig, memRequest),
      cpuUsage: vm.cpu_usage,
      memUsage: vm.mem_usage_gig,
      seconds: vm.vm_seconds ?? 3600,
      labels: { vm_kubevirt_io_name: vmName },
    };
    cluster.pods.push(podSpec(draft, node, nsName, random));
    if (vm.volume_claim_name) {
      const capacity = vm.capacity_gig ?? 20;
      cluster.volumes.push(
        volumeOf(`pv-${vm.volume_claim_name}`, vm.storage_class ?? "gp3-csi", "", "", capacity, {}, [
          {
            name: vm.volume_claim_name,
            namespace: nsName,
            pods: [vmName],
            capacityGiB: capacity,
            usageGiB: fixed(capacity * (0.2 + 0.8 * random.next())),
            labels: {},
          },
        ]),
      );
    }
  }
  for (const [i, v] of (ns?.volumes ?? []).entries()) {
    const request = v.volume_request_gig ?? 10;
    const claims: ClaimSpec[] = (v.volume_claims ?? []).map((c, j) => {
      const capacity = c.capacity_gig ?? request;
      return {
        name: c.volume_claim_name ?? `${nsName}_claim_${i + 1}_${j + 1}`,
        namespace: nsName,
        pods: c.pod_name ? [c.pod_name] : [],
        capacityGiB: capacity,
        usageGiB: usageSeries(c.volume_claim_usage_gig, capacity * random.next(), 0),
        labels: parseOperatorLabels(c.labels),
      };
    });
    cluster.volumes.push(
      volumeOf(
        v.volume_name ?? `pv_${nsName}_${i + 1}`,
        v.storage_class ?? "gp2",
        v.csi_driver ?? "",
        v.csi_volume_handle ?? "",
        request,
        parseOperatorLabels(v.labels),
        claims,
      ),
    );
  }
}

/** The dataset around the cluster: names from the file's name, the sample fixtures' reference data. */
function datasetSpec(
  cluster: ClusterParts,
  startDate: string,
  endDate: string,
  origin: string | undefined,
): DatasetSpec {
  const [year, month] = startDate.split("-").map(Number);
  const base =
    (origin ?? "nise")
      .split("/")
      .pop()
      ?.replace(/\.ya?ml$/, "") ?? "nise";
  return {
    name: `nise-${base}`,
    description: `nise static description ${origin ?? ""}`.trim(),
    orgId: "org1234567",
    sourceUuid: null,
    clusterId: `cluster-${base}`,
    clusterAlias: `Cluster ${base}`,
    reportPeriodId: 1,
    year,
    month,
    startDate,
    endDate,
    dataStart: startDate,
    dataEnd: dayAfter(endDate),
    intervalMinutes: 60,
    enabledTagKeys: [...NISE_DEFAULT_ENABLED_TAG_KEYS],
    costCategories: NISE_DEFAULT_COST_CATEGORIES.map((c) => ({ ...c })),
    nodeRolesTable: true,
    nodeRoleColumn: false,
    dailyEffectiveUsage: "given",
    filesPerType: 1,
    nodes: cluster.nodes,
    namespaces: [...cluster.namespaces.values()],
    pods: cluster.pods,
    volumes: cluster.volumes,
    gpus: [],
    vms: [],
  };
}

function volumeOf(
  name: string,
  storageClass: string,
  csiDriver: string,
  csiVolumeHandle: string,
  requestGiB: number,
  labels: Record<string, string>,
  claims: ClaimSpec[],
): VolumeSpec {
  return {
    name,
    storageClass,
    csiDriver,
    csiVolumeHandle,
    requestGiB,
    labels,
    claims,
    activeFrom: null,
    activeUntil: null,
  };
}
