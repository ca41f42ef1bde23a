/**
 * Our own cluster description YAML (the scenario files use it). Labels are maps (keys without the
 * `label_` prefix), operator strings (`label_app:web|label_env:prod`) or null (a null label text); a
 * value over time is a number or `{ base, by_day: { YYYY-MM-DD: n }, by_hour: [n, …], jitter }`.
 *
 *   name, description
 *   run:        start_date, end_date (the run's inclusive days; year/month from start_date), org_id,
 *               source_uuid (default: uuid5 of name and seed), cluster_id, cluster_alias,
 *               report_period_id, data_start/data_end (instants written, may exceed the run),
 *               interval_minutes (60), files_per_type (1)
 *   reference:  enabled_tag_keys, cost_categories [{namespace: LIKE pattern, cost_category_id}],
 *               node_roles: table (params.json lists the nodes' roles) | derive (null: Koku derives)
 *   columns:    node_role (false), daily_effective_usage: given | omitted | mixed (odd files omit)
 *   nodes:      name, resource_id, cpu_cores, memory_gib, role (null: not in the node table),
 *               operator_role (node_role column value), labels, label_changes [{from, labels}],
 *               report_labels (false: no node_labels rows)
 *   namespaces: name, labels, label_changes, report_labels (unlisted namespaces get `{}` rows)
 *   pods:       name, namespace, node ('' or null allowed), resource_id, cpu {usage, request, limit}
 *               in cores, memory_gib {usage, request, limit}, pod_seconds (per hour), labels,
 *               active_from, active_until
 *   volumes:    name, storage_class, csi_driver, csi_volume_handle, request_gib, labels,
 *               active_from, active_until, claims [{name, namespace, pod | pods, capacity_gib,
 *               usage_gib, labels}] (no claims: a claimless PV)
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseOperatorLabels } from "./labels.js";
import {
  type DatasetSpec,
  dayAfter,
  type Labels,
  type NamespaceSpec,
  type Series,
  type TimedLabels,
} from "./spec.js";

/** YAML may hand over dates as strings or Date objects; keep `YYYY-MM-DD` / ISO text. */
const dateText = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().replace(/T00:00:00\.000Z$/, "") : v),
  z.string().min(10),
);
const day = dateText.refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), "expected YYYY-MM-DD");

const labelsInput = z.union([z.record(z.string(), z.coerce.string()), z.string(), z.null()]).optional();
const seriesInput = z.union([
  z.number(),
  z.object({
    base: z.number().default(0),
    by_day: z.record(z.string(), z.number()).default({}),
    by_hour: z.array(z.number()).optional(),
    jitter: z.number().min(0).default(0),
  }),
]);
const labelChanges = z.array(z.object({ from: dateText, labels: labelsInput })).default([]);

const nodeInput = z.object({
  name: z.string(),
  resource_id: z.string().optional(),
  cpu_cores: z.number().default(4),
  memory_gib: z.number().default(16),
  role: z.string().nullable().default("worker"),
  operator_role: z.string().optional(),
  labels: labelsInput,
  label_changes: labelChanges,
  report_labels: z.boolean().default(true),
});

const namespaceInput = z.object({
  name: z.string(),
  labels: labelsInput,
  label_changes: labelChanges,
  report_labels: z.boolean().default(true),
});

const resourceInput = z.object({ usage: seriesInput, request: seriesInput, limit: seriesInput });

const podInput = z.object({
  name: z.string(),
  namespace: z.string(),
  node: z.string().nullable(),
  resource_id: z.string().optional(),
  cpu: resourceInput.default({ usage: 0.5, request: 1, limit: 2 }),
  memory_gib: resourceInput.default({ usage: 1, request: 2, limit: 4 }),
  pod_seconds: z.number().min(0).max(3600).default(3600),
  labels: labelsInput,
  active_from: dateText.optional(),
  active_until: dateText.optional(),
});

const claimInput = z.object({
  name: z.string(),
  namespace: z.string(),
  pod: z.string().optional(),
  pods: z.array(z.string()).optional(),
  capacity_gib: z.number(),
  usage_gib: seriesInput.default(0),
  labels: labelsInput,
});

const volumeInput = z.object({
  name: z.string(),
  storage_class: z.string().default("gp3-csi"),
  csi_driver: z.string().default(""),
  csi_volume_handle: z.string().default(""),
  request_gib: z.number(),
  labels: labelsInput,
  claims: z.array(claimInput).default([]),
  active_from: dateText.optional(),
  active_until: dateText.optional(),
});

const gpuInput = z.object({
  node: z.string(),
  namespace: z.string(),
  pod: z.string(),
  gpu_uuid: z.string(),
  vendor: z.string().default("nvidia"),
  model: z.string().default("Tesla T4"),
  memory_mib: z.number().default(15360),
  mig_instance_id: z.string().nullable().default(""),
  mig_profile: z.string().nullable().default(""),
  mig_strategy: z.string().nullable().default(""),
  mig_slice_count: z.number().int().nullable().default(null),
  gpu_max_slices: z.number().int().nullable().default(null),
  mig_memory_mib: z.number().nullable().default(null),
  uptime_seconds: z.number().min(0).max(3600).default(3600),
  active_from: dateText.optional(),
  active_until: dateText.optional(),
});

const vmInput = z.object({
  name: z.string(),
  namespace: z.string(),
  node: z.string(),
  cpu_request_cores: z.number().default(2),
  memory_request_gib: z.number().default(4),
  pvcs: z.array(z.string()).default([]),
  labels: labelsInput,
  active_from: dateText.optional(),
  active_until: dateText.optional(),
});

export const ownDescriptionSchema = z.object({
  name: z.string(),
  description: z.string().default(""),
  run: z.object({
    org_id: z.string().default("org1234567"),
    source_uuid: z.string().uuid().optional(),
    cluster_id: z.string().optional(),
    cluster_alias: z.string().optional(),
    report_period_id: z.number().int().nullable().default(1),
    start_date: day,
    end_date: day,
    data_start: dateText.optional(),
    data_end: dateText.optional(),
    interval_minutes: z.number().int().positive().default(60),
    files_per_type: z.number().int().positive().default(1),
  }),
  reference: z
    .object({
      enabled_tag_keys: z.array(z.string()).default([]),
      cost_categories: z
        .array(z.object({ namespace: z.string(), cost_category_id: z.number().int() }))
        .default([]),
      node_roles: z.enum(["table", "derive"]).default("table"),
    })
    .default({ enabled_tag_keys: [], cost_categories: [], node_roles: "table" }),
  columns: z
    .object({
      node_role: z.boolean().default(false),
      daily_effective_usage: z.enum(["given", "omitted", "mixed"]).default("given"),
      /** false: an operator before 4.0, which sends no vm_usage report (Koku then reads the VMs from pods). */
      vm_usage: z.boolean().default(true),
    })
    .default({ node_role: false, daily_effective_usage: "given", vm_usage: true }),
  nodes: z.array(nodeInput).default([]),
  namespaces: z.array(namespaceInput).default([]),
  pods: z.array(podInput).default([]),
  volumes: z.array(volumeInput).default([]),
  gpus: z.array(gpuInput).default([]),
  /** KubeVirt VMs; written as vm_usage rows unless `columns.vm_usage: false` (operators before 4.0). */
  vms: z.array(vmInput).default([]),
});

export type OwnDescription = z.infer<typeof ownDescriptionSchema>;

function toLabels(input: Record<string, string> | string | null | undefined): Labels | null {
  if (input === null) return null;
  if (input === undefined) return {};
  return typeof input === "string" ? parseOperatorLabels(input) : { ...input };
}

type LabelsInput = z.infer<typeof labelsInput>;

function toTimed(labels: LabelsInput, changes: { from: string; labels?: LabelsInput }[]): TimedLabels {
  return {
    labels: toLabels(labels),
    changes: changes.map((c) => ({ from: c.from, labels: toLabels(c.labels) })),
  };
}

function toSeries(input: z.infer<typeof seriesInput>): Series {
  if (typeof input === "number") return { base: input, byDay: {}, jitter: 0 };
  return { base: input.base, byDay: { ...input.by_day }, byHour: input.by_hour, jitter: input.jitter };
}

export function parseOwnDescription(yamlText: string, origin = "description"): DatasetSpec {
  const parsed = ownDescriptionSchema.safeParse(parseYaml(yamlText));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${origin}: invalid description: ${issues}`);
  }
  return ownDescriptionToSpec(parsed.data);
}

export function ownDescriptionToSpec(d: OwnDescription): DatasetSpec {
  const [year, month] = d.run.start_date.split("-").map(Number);
  const namespaces: NamespaceSpec[] = d.namespaces.map((ns) => ({
    name: ns.name,
    labels: toTimed(ns.labels, ns.label_changes),
    reportLabels: ns.report_labels,
  }));
  // Namespaces used by pods or claims but not listed get an empty label row, as nise does.
  const known = new Set(namespaces.map((ns) => ns.name));
  const used = [
    ...d.pods.map((p) => p.namespace),
    ...d.volumes.flatMap((v) => v.claims.map((c) => c.namespace)),
  ];
  for (const name of used) {
    if (known.has(name)) continue;
    known.add(name);
    namespaces.push({ name, labels: { labels: {}, changes: [] }, reportLabels: true });
  }
  return {
    name: d.name,
    description: d.description,
    orgId: d.run.org_id,
    sourceUuid: d.run.source_uuid ?? null,
    clusterId: d.run.cluster_id ?? `cluster-${d.name}`,
    clusterAlias: d.run.cluster_alias ?? `Cluster ${d.name}`,
    reportPeriodId: d.run.report_period_id,
    year,
    month,
    startDate: d.run.start_date,
    endDate: d.run.end_date,
    dataStart: d.run.data_start ?? d.run.start_date,
    dataEnd: d.run.data_end ?? dayAfter(d.run.end_date),
    intervalMinutes: d.run.interval_minutes,
    enabledTagKeys: d.reference.enabled_tag_keys,
    costCategories: d.reference.cost_categories,
    nodeRolesTable: d.reference.node_roles === "table",
    nodeRoleColumn: d.columns.node_role,
    dailyEffectiveUsage: d.columns.daily_effective_usage,
    filesPerType: d.run.files_per_type,
    nodes: d.nodes.map((n, i) => ({
      name: n.name,
      resourceId: n.resource_id ?? `i-${String(i + 1).padStart(8, "0")}`,
      cpuCores: n.cpu_cores,
      memoryGiB: n.memory_gib,
      role: n.role,
      operatorRole: n.operator_role ?? n.role ?? "",
      labels: toTimed(n.labels, n.label_changes),
      reportLabels: n.report_labels,
    })),
    namespaces,
    pods: d.pods.map((p) => ({
      name: p.name,
      namespace: p.namespace,
      node: p.node,
      resourceId: p.resource_id ?? null,
      cpuUsage: toSeries(p.cpu.usage),
      cpuRequest: toSeries(p.cpu.request),
      cpuLimit: toSeries(p.cpu.limit),
      memUsageGiB: toSeries(p.memory_gib.usage),
      memRequestGiB: toSeries(p.memory_gib.request),
      memLimitGiB: toSeries(p.memory_gib.limit),
      podSecondsPerHour: p.pod_seconds,
      labels: toLabels(p.labels),
      activeFrom: p.active_from ?? null,
      activeUntil: p.active_until ?? null,
    })),
    volumes: d.volumes.map((v) => ({
      name: v.name,
      storageClass: v.storage_class,
      csiDriver: v.csi_driver,
      csiVolumeHandle: v.csi_volume_handle,
      requestGiB: v.request_gib,
      labels: toLabels(v.labels),
      activeFrom: v.active_from ?? null,
      activeUntil: v.active_until ?? null,
      claims: v.claims.map((c) => ({
        name: c.name,
        namespace: c.namespace,
        pods: c.pods ?? (c.pod !== undefined ? [c.pod] : []),
        capacityGiB: c.capacity_gib,
        usageGiB: toSeries(c.usage_gib),
        labels: toLabels(c.labels),
      })),
    })),
    gpus: d.gpus.map((g) => ({
      node: g.node,
      namespace: g.namespace,
      pod: g.pod,
      gpuUuid: g.gpu_uuid,
      vendor: g.vendor,
      model: g.model,
      memoryMib: g.memory_mib,
      migInstanceId: g.mig_instance_id,
      migProfile: g.mig_profile,
      migStrategy: g.mig_strategy,
      migSliceCount: g.mig_slice_count,
      gpuMaxSlices: g.gpu_max_slices,
      migMemoryMib: g.mig_memory_mib,
      uptimeSecondsPerHour: g.uptime_seconds,
      activeFrom: g.active_from ?? null,
      activeUntil: g.active_until ?? null,
    })),
    vms: (d.columns.vm_usage ? d.vms : []).map((v) => ({
      name: v.name,
      namespace: v.namespace,
      node: v.node,
      cpuRequestCores: v.cpu_request_cores,
      memoryRequestGiB: v.memory_request_gib,
      pvcs: v.pvcs,
      labels: toLabels(v.labels),
      activeFrom: v.active_from ?? null,
      activeUntil: v.active_until ?? null,
    })),
  };
}
