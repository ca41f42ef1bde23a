/**
 * Pod rows (spec §5): every pod group joins each node label map × namespace label map × matching cost
 * category of its day; contributions are regrouped by (day, namespace, node, merged label map).
 */
import type { SummaryRow } from "../model.js";
import { baseRow, div, type FinishContext, GIB, mul } from "./context.js";
import { ExactSums, fsum } from "./exact-sum.js";
import { EMPTY_MAP, NULL_MAP } from "./labels.js";
import { MaxColumn } from "./max-column.js";
import { growInt, POD_MEASURES, type PodAccumulator } from "./pod-accumulator.js";
import { TupleMap } from "./tuple-map.js";
import { compareCodePoints } from "./values.js";

const EMPTY_LIST: readonly number[] = [EMPTY_MAP];

/** Node capacity per (day, node) and cluster capacity per day, in seconds / byte-seconds (spec §5.2). */
export interface Capacities {
  node: TupleMap; // (day, node)
  nodeCpu: (number | null)[];
  nodeMemory: (number | null)[];
  clusterCpu: Map<number, number | null>;
  clusterMemory: Map<number, number | null>;
}

export function computeCapacities(pods: PodAccumulator): Capacities {
  const node = new TupleMap(2, 1024);
  const cpu = new ExactSums();
  const mem = new ExactSums();
  const key = new Int32Array(2);
  for (let c = 0; c < pods.capacity.size; c++) {
    key[0] = pods.capacity.keyOf(c, 0);
    key[1] = pods.capacity.keyOf(c, 2);
    const n = node.getOrAdd(key);
    cpu.ensure(n + 1);
    mem.ensure(n + 1);
    const vc = pods.capacityCpu.get(c);
    const vm = pods.capacityMemory.get(c);
    if (vc !== null) cpu.add(n, vc);
    if (vm !== null) mem.add(n, vm);
  }
  const nodeCpu: (number | null)[] = [];
  const nodeMemory: (number | null)[] = [];
  const perDayCpu = new Map<number, number[]>();
  const perDayMem = new Map<number, number[]>();
  for (let n = 0; n < node.size; n++) {
    const day = node.keyOf(n, 0);
    nodeCpu.push(cpu.value(n));
    nodeMemory.push(mem.value(n));
    if (!perDayCpu.has(day)) {
      perDayCpu.set(day, []);
      perDayMem.set(day, []);
    }
    const c = cpu.value(n);
    const m = mem.value(n);
    if (c !== null) perDayCpu.get(day)?.push(c);
    if (m !== null) perDayMem.get(day)?.push(m);
  }
  const clusterCpu = new Map<number, number | null>();
  const clusterMemory = new Map<number, number | null>();
  for (const [day, values] of perDayCpu) clusterCpu.set(day, values.length ? fsum(values) : null);
  for (const [day, values] of perDayMem) clusterMemory.set(day, values.length ? fsum(values) : null);
  return { node, nodeCpu, nodeMemory, clusterCpu, clusterMemory };
}

/** Pod rows of the given pod groups (in practice: the groups of one day). */
export function finalizePodRows(
  ctx: FinishContext,
  pods: PodAccumulator,
  caps: Capacities,
  groups: readonly number[],
): SummaryRow[] {
  const out = new TupleMap(4, Math.max(1024, groups.length));
  const sums = new ExactSums(Math.max(1024, groups.length) * POD_MEASURES);
  let resource = new Int32Array(1024).fill(-1);
  const cores = new MaxColumn(1024);
  const memory = new MaxColumn(1024);
  let category = new Int32Array(1024).fill(-1);
  const strings = ctx.interner.strings;
  const key = new Int32Array(4);
  const mergeArgs = [0, 0, 0];

  for (const g of groups) {
    const day = pods.groups.keyOf(g, 0);
    const namespace = pods.groups.keyOf(g, 1);
    const node = pods.groups.keyOf(g, 2);
    const podMap = ctx.filteredText(pods.groups.keyOf(g, 3));
    const nodeMaps = ctx.nodeMaps(day, node) ?? EMPTY_LIST;
    const namespaceMaps = ctx.namespaceMaps(day, namespace) ?? EMPTY_LIST;
    const cats = ctx.categories(ctx.interner.text(namespace));
    const times = Math.max(1, cats.length);
    let maxCat = -1;
    for (const c of cats) if (c > maxCat) maxCat = c;
    for (const nodeMap of nodeMaps) {
      for (const namespaceMap of namespaceMaps) {
        // A missing or null node/namespace label map counts as {} (coalesce in Koku's SQL).
        mergeArgs[0] = nodeMap === NULL_MAP ? EMPTY_MAP : nodeMap;
        mergeArgs[1] = namespaceMap === NULL_MAP ? EMPTY_MAP : namespaceMap;
        mergeArgs[2] = podMap;
        key[0] = day;
        key[1] = namespace;
        key[2] = node;
        key[3] = ctx.catalog.merge(mergeArgs);
        const o = out.getOrAdd(key);
        sums.ensure((o + 1) * POD_MEASURES);
        cores.ensure(o + 1);
        memory.ensure(o + 1);
        if (o >= resource.length) {
          resource = growInt(resource, o + 1);
          category = growInt(category, o + 1);
        }
        for (let m = 0; m < POD_MEASURES; m++) {
          sums.addFrom(o * POD_MEASURES + m, pods.sums, g * POD_MEASURES + m, times);
        }
        const r = pods.resource[g];
        if (r >= 0 && (resource[o] < 0 || compareCodePoints(strings[r], strings[resource[o]]) > 0))
          resource[o] = r;
        const c = pods.cores.get(g);
        if (c !== null) cores.add(o, c);
        const mb = pods.memoryBytes.get(g);
        if (mb !== null) memory.add(o, mb);
        if (maxCat > category[o]) category[o] = maxCat;
      }
    }
  }

  const onprem = ctx.run.kokuSql === "onprem";
  const capKey = new Int32Array(2);
  const rows: SummaryRow[] = [];
  for (let o = 0; o < out.size; o++) {
    const day = out.keyOf(o, 0);
    const node = out.keyOf(o, 2);
    const labelMap = out.keyOf(o, 3);
    capKey[0] = day;
    capKey[1] = node;
    const capIndex = caps.node.get(capKey);
    let nodeCpu = capIndex >= 0 ? caps.nodeCpu[capIndex] : null;
    let nodeMem = capIndex >= 0 ? caps.nodeMemory[capIndex] : null;
    let clusterCpu = caps.clusterCpu.get(day) ?? null;
    let clusterMem = caps.clusterMemory.get(day) ?? null;
    if (onprem) {
      // COALESCE(max(...), 0) in the self-hosted rendering
      nodeCpu ??= 0;
      nodeMem ??= 0;
      clusterCpu ??= 0;
      clusterMem ??= 0;
    }
    const row = baseRow(ctx.run, "Pod", day);
    const base = o * POD_MEASURES;
    const labels = ctx.catalog.toJson(labelMap);
    row.namespace = ctx.interner.text(out.keyOf(o, 1));
    row.node = ctx.interner.text(node);
    row.resource_id = ctx.interner.text(resource[o]);
    row.pod_labels = labels;
    row.pod_usage_cpu_core_hours = div(sums.value(base), 3600);
    row.pod_request_cpu_core_hours = div(sums.value(base + 1), 3600);
    row.pod_effective_usage_cpu_core_hours = div(sums.value(base + 2), 3600);
    row.pod_limit_cpu_core_hours = div(sums.value(base + 3), 3600);
    row.pod_usage_memory_gigabyte_hours = mul(div(sums.value(base + 4), 3600), GIB);
    row.pod_request_memory_gigabyte_hours = mul(div(sums.value(base + 5), 3600), GIB);
    row.pod_effective_usage_memory_gigabyte_hours = mul(div(sums.value(base + 6), 3600), GIB);
    row.pod_limit_memory_gigabyte_hours = mul(div(sums.value(base + 7), 3600), GIB);
    row.node_capacity_cpu_cores = cores.get(o);
    row.node_capacity_cpu_core_hours = div(nodeCpu, 3600);
    row.node_capacity_memory_gigabytes = mul(memory.get(o), GIB);
    row.node_capacity_memory_gigabyte_hours = mul(div(nodeMem, 3600), GIB);
    row.cluster_capacity_cpu_core_hours = div(clusterCpu, 3600);
    row.cluster_capacity_memory_gigabyte_hours = mul(div(clusterMem, 3600), GIB);
    row.all_labels = labels ?? "{}";
    row.cost_category_id = category[o] < 0 ? null : category[o];
    rows.push(row);
  }
  return rows;
}
