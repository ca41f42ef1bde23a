/**
 * Storage rows (spec §6): each storage group joins the nodes its claim's pod ran on that day (volume nodes),
 * the label maps of that node and of the namespace, and the matching cost categories; contributions are
 * regrouped by (day, namespace, node, resource id, claim, volume, storage class, CSI handle, merged labels).
 * Request and usage are divided by the number of distinct nodes that mounted the volume that day.
 */
import type { SummaryRow } from "../model.js";
import { baseRow, type FinishContext, GIB, mul } from "./context.js";
import { ExactSums } from "./exact-sum.js";
import { EMPTY_MAP, NULL_MAP } from "./labels.js";
import { MaxColumn } from "./max-column.js";
import type { PodAccumulator } from "./pod-accumulator.js";
import { STORAGE_SUMS, type StorageAccumulator, StorageKey } from "./storage-accumulator.js";
import { TupleMap } from "./tuple-map.js";
import { daysInMonthOfDay } from "./values.js";

type NodeRef = { node: number; resource: number };
const NO_NODE: readonly NodeRef[] = [{ node: -1, resource: -1 }];
const EMPTY_LIST: readonly number[] = [EMPTY_MAP];

/** Storage rows of the given storage groups, with the volume-node rows of the same day(s). */
export function finalizeStorageRows(
  ctx: FinishContext,
  storage: StorageAccumulator,
  pods: PodAccumulator,
  groups: readonly number[],
  volumeNodeRows: readonly number[],
): SummaryRow[] {
  const volumeNodesOf = podVolumeNodes(pods, volumeNodeRows);
  const counts = volumeCounts(storage, groups, volumeNodesOf);
  const regrouped = regroupStorage(ctx, storage, groups, volumeNodesOf, counts);
  return storageRows(ctx, regrouped);
}

/** Distinct (node, resource id) of a (day, namespace, pod); undefined when the pod has no volume-node row. */
type VolumeNodesOf = (day: number, namespace: number, pod: number) => NodeRef[] | undefined;

/** Distinct (node, resource id) per (day, namespace, pod), from the daily pod rows of claimed pods. */
function podVolumeNodes(pods: PodAccumulator, volumeNodeRows: readonly number[]): VolumeNodesOf {
  const podNodes = new Map<string, NodeRef[]>();
  for (const v of volumeNodeRows) {
    const k = `${pods.volumeNodes.keyOf(v, 0)}|${pods.volumeNodes.keyOf(v, 1)}|${pods.volumeNodes.keyOf(v, 2)}`;
    const ref = { node: pods.volumeNodes.keyOf(v, 3), resource: pods.volumeNodeResource[v] };
    const list = podNodes.get(k);
    if (!list) podNodes.set(k, [ref]);
    else if (!list.some((r) => r.node === ref.node && r.resource === ref.resource)) list.push(ref);
  }
  // Pod rows join storage rows on namespace and pod: null never equals null.
  return (day, namespace, pod) =>
    namespace < 0 || pod < 0 ? undefined : podNodes.get(`${day}|${namespace}|${pod}`);
}

interface VolumeCounts {
  /** Distinct volumes per `day|claim|pod|namespace`. */
  volumesOfClaim: Map<string, Set<number>>;
  /** Distinct nodes per `day|volume`. */
  nodesOfVolume: Map<string, Set<number>>;
}

function volumeCounts(
  storage: StorageAccumulator,
  groups: readonly number[],
  volumeNodesOf: VolumeNodesOf,
): VolumeCounts {
  const volumesOfClaim = new Map<string, Set<number>>();
  const nodesOfVolume = new Map<string, Set<number>>();
  const g = storage.groups;
  for (const s of groups) {
    const day = g.keyOf(s, StorageKey.Day);
    const claimKey = `${day}|${g.keyOf(s, StorageKey.Claim)}|${g.keyOf(s, StorageKey.Pod)}|${g.keyOf(s, StorageKey.Namespace)}`;
    const volume = g.keyOf(s, StorageKey.Volume);
    let volumes = volumesOfClaim.get(claimKey);
    if (!volumes) {
      volumes = new Set();
      volumesOfClaim.set(claimKey, volumes);
    }
    if (volumes.has(volume)) continue;
    volumes.add(volume);
    const nodes = volumeNodesOf(day, g.keyOf(s, StorageKey.Namespace), g.keyOf(s, StorageKey.Pod));
    if (!nodes) continue;
    const volumeKey = `${day}|${volume}`;
    let set = nodesOfVolume.get(volumeKey);
    if (!set) {
      set = new Set();
      nodesOfVolume.set(volumeKey, set);
    }
    for (const ref of nodes) if (ref.node >= 0) set.add(ref.node); // count(DISTINCT node) skips null
  }
  return { volumesOfClaim, nodesOfVolume };
}

/** Output groups keyed (day, namespace, node, resource, claim, volume, class, CSI handle, merged labels). */
interface RegroupedStorage {
  out: TupleMap;
  sums: ExactSums;
  capacity: MaxColumn;
  nodeCount: (number | null)[];
  category: number[];
}

function regroupStorage(
  ctx: FinishContext,
  storage: StorageAccumulator,
  groups: readonly number[],
  volumeNodesOf: VolumeNodesOf,
  { volumesOfClaim, nodesOfVolume }: VolumeCounts,
): RegroupedStorage {
  const g = storage.groups;
  const out = new TupleMap(9, 1024);
  const sums = new ExactSums(1024 * STORAGE_SUMS);
  const capacity = new MaxColumn(1024);
  const nodeCount: (number | null)[] = [];
  const category: number[] = [];
  const key = new Int32Array(9);
  const mergeArgs = [0, 0, 0, 0];
  for (const s of groups) {
    const day = g.keyOf(s, StorageKey.Day);
    const namespace = g.keyOf(s, StorageKey.Namespace);
    const pod = g.keyOf(s, StorageKey.Pod);
    const claim = g.keyOf(s, StorageKey.Claim);
    const volume = g.keyOf(s, StorageKey.Volume);
    const volumeMap = ctx.filteredText(g.keyOf(s, StorageKey.VolumeLabels));
    const claimMap = ctx.filteredText(g.keyOf(s, StorageKey.ClaimLabels));
    const volumes = volumesOfClaim.get(`${day}|${claim}|${pod}|${namespace}`)?.size ?? 0;
    // SQL equality never matches null: a null claim finds no volume-node row.
    const nodes = claim < 0 ? undefined : volumeNodesOf(day, namespace, pod);
    // Each volume-node row matching (day, claim, pod, namespace) joins: one per distinct volume × node.
    const joined: readonly NodeRef[] = nodes ? nodes.flatMap((ref) => Array(volumes).fill(ref)) : NO_NODE;
    const distinctNodes = volume < 0 ? undefined : nodesOfVolume.get(`${day}|${volume}`);
    const count = distinctNodes && distinctNodes.size > 0 ? distinctNodes.size : distinctNodes ? 0 : null;
    const namespaceMaps = ctx.namespaceMaps(day, namespace) ?? EMPTY_LIST;
    const cats = ctx.categories(ctx.interner.text(namespace));
    const times = Math.max(1, cats.length);
    let maxCat = -1;
    for (const c of cats) if (c > maxCat) maxCat = c;
    for (const ref of joined) {
      const nodeMaps = (ref.node >= 0 ? ctx.nodeMaps(day, ref.node) : undefined) ?? EMPTY_LIST;
      for (const nodeMap of nodeMaps) {
        for (const namespaceMap of namespaceMaps) {
          mergeArgs[0] = nodeMap === NULL_MAP ? EMPTY_MAP : nodeMap;
          mergeArgs[1] = namespaceMap === NULL_MAP ? EMPTY_MAP : namespaceMap;
          mergeArgs[2] = volumeMap;
          mergeArgs[3] = claimMap;
          key[0] = day;
          key[1] = namespace;
          key[2] = ref.node;
          key[3] = ref.resource;
          key[4] = claim;
          key[5] = volume;
          key[6] = g.keyOf(s, StorageKey.StorageClass);
          key[7] = g.keyOf(s, StorageKey.CsiHandle);
          key[8] = ctx.catalog.merge(mergeArgs);
          const o = out.getOrAdd(key);
          sums.ensure((o + 1) * STORAGE_SUMS);
          capacity.ensure(o + 1);
          if (o === nodeCount.length) {
            nodeCount.push(count);
            category.push(-1);
          }
          for (let m = 0; m < STORAGE_SUMS; m++) {
            sums.addFrom(o * STORAGE_SUMS + m, storage.sums, s * STORAGE_SUMS + m, times);
          }
          const cap = storage.capacityBytes.get(s);
          if (cap !== null) capacity.add(o, cap);
          if (maxCat > category[o]) category[o] = maxCat;
        }
      }
    }
  }
  return { out, sums, capacity, nodeCount, category };
}

function storageRows(
  ctx: FinishContext,
  { out, sums, capacity, nodeCount, category }: RegroupedStorage,
): SummaryRow[] {
  const onprem = ctx.run.kokuSql === "onprem";
  const rows: SummaryRow[] = [];
  for (let o = 0; o < out.size; o++) {
    const day = out.keyOf(o, 0);
    const monthSeconds = 86400 * daysInMonthOfDay(day);
    const row = baseRow(ctx.run, "Storage", day);
    const labels = ctx.catalog.toJson(out.keyOf(o, 8));
    row.namespace = ctx.interner.text(out.keyOf(o, 1));
    row.node = ctx.interner.text(out.keyOf(o, 2));
    row.resource_id = ctx.interner.text(out.keyOf(o, 3));
    row.persistentvolumeclaim = ctx.interner.text(out.keyOf(o, 4));
    row.persistentvolume = ctx.interner.text(out.keyOf(o, 5));
    row.storageclass = ctx.interner.text(out.keyOf(o, 6));
    row.csi_volume_handle = ctx.interner.text(out.keyOf(o, 7));
    row.volume_labels = labels;
    row.all_labels = labels ?? "{}";
    row.persistentvolumeclaim_capacity_gigabyte = mul(capacity.get(o), GIB);
    const capSeconds = sums.value(o * STORAGE_SUMS);
    row.persistentvolumeclaim_capacity_gigabyte_months =
      capSeconds === null ? null : (capSeconds / monthSeconds) * GIB;
    // Trino: sum / max(node_count), null without a count; self-hosted: COALESCE(max(node_count), 1).
    const divisor = nodeCount[o] ?? (onprem ? 1 : null);
    row.volume_request_storage_gigabyte_months = perNode(
      sums.value(o * STORAGE_SUMS + 1),
      divisor,
      monthSeconds,
    );
    row.persistentvolumeclaim_usage_gigabyte_months = perNode(
      sums.value(o * STORAGE_SUMS + 2),
      divisor,
      monthSeconds,
    );
    row.cost_category_id = category[o] < 0 ? null : category[o];
    rows.push(row);
  }
  return rows;
}

function perNode(byteSeconds: number | null, divisor: number | null, monthSeconds: number): number | null {
  if (byteSeconds === null || divisor === null) return null;
  return (byteSeconds / divisor / monthSeconds) * GIB;
}
