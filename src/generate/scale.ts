/**
 * Synthetic clusters of a given size for benchmarks: nodes with roles and zones, system and
 * application namespaces, pods with varied labels and usage, claims on per-pod and shared volumes.
 * Built with a seeded generator, so one seed always gives the same cluster.
 */
import { SeededRandom } from "./noise.js";
import { scaleGpus, scaleVms } from "./scale/gpu-vm.js";
import type { ScaleOptions } from "./scale/options.js";
import { scaleNamespaces, scaleNodes } from "./scale/topology.js";
import { releasedVolumes, scaleWorkloads } from "./scale/workloads.js";
import { type DatasetSpec, dayAfter } from "./spec.js";

export { SCALE_PRESETS, type ScaleOptions, type ScalePreset } from "./scale/options.js";

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
