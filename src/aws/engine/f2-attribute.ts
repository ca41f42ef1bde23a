/**
 * F2's first four inserts (`2_summarize_data_by_cluster.sql:67-551`): the AWS rows of the cluster joined to
 * its OCP summary rows, one project-temp row per (AWS row, OCP group), before the final split:
 *  - storage by CSI handle: PV capacity / disk capacity × cost;
 *  - Storage unattributed: the disk's unclaimed part, divided by the clusters sharing the disk;
 *  - direct resource-id matching: the whole instance cost per (namespace, pod_labels) with usage sums;
 *  - tag matching: the whole cost per (namespace, data_source) the row's tags point to.
 */
import { type OcpSummaryInput, STORAGE_UNATTRIBUTED } from "../model.js";
import { indexByDay } from "./contained-index.js";
import type { DiskCapacities } from "./disk-capacity.js";
import { diskKey } from "./disk-capacity.js";
import type { AwsTempRow } from "./f1-match.js";
import { groupBy, maxNumber, maxText, sumNumbers } from "./sql-aggregates.js";
import { tagCandidatesByDay, tagTargets } from "./tag-candidates.js";

/** One row of managed_reporting_ocpawscostlineitem_project_daily_summary_temp. */
export interface ProjectTempRow {
  rowUuid: string;
  clusterId: string | null;
  clusterAlias: string | null;
  dataSource: string | null;
  namespace: string | null;
  node: string | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  aws: AwsTempRow;
  usageAmount: number | null;
  /** The four costs before markup (the split multiplies markup in afterwards, as Koku does). */
  unblendedCost: number | null;
  blendedCost: number | null;
  savingsPlanEffectiveCost: number | null;
  calculatedAmortizedCost: number | null;
  podEffectiveUsageCpuCoreHours: number | null;
  podEffectiveUsageMemoryGigabyteHours: number | null;
  nodeCapacityCpuCoreHours: number | null;
  nodeCapacityMemoryGigabyteHours: number | null;
  podLabels: string | null;
  volumeLabels: string | null;
  tags: string | null;
  awsCostCategory: string | null;
  costCategoryId: number | null;
  resourceIdMatched: boolean;
  matchedTag: string | null;
}

/** Fresh row identities for the storage rows (Koku: uuid()), so each counts once in the split. */
export type UuidSource = () => string;

const awsByDay = (temp: readonly AwsTempRow[]) => {
  const map = new Map<string, AwsTempRow[]>();
  for (const row of temp) {
    const list = map.get(row.usageStart);
    if (list) list.push(row);
    else map.set(row.usageStart, [row]);
  }
  return map;
};

interface Pair {
  ocp: OcpSummaryInput;
  aws: AwsTempRow;
}

function costShare(fraction: number | null, aws: AwsTempRow) {
  const of = (cost: number) => (fraction === null ? null : fraction * cost);
  return {
    unblendedCost: of(aws.unblendedCost),
    blendedCost: of(aws.blendedCost),
    savingsPlanEffectiveCost: of(aws.savingsPlanEffectiveCost),
    calculatedAmortizedCost: of(aws.calculatedAmortizedCost),
  };
}

/** OCP Storage rows × resource-matched, non-network AWS rows whose id contains the CSI handle and that have a disk capacity. */
function csiPairs(
  ocpRows: readonly OcpSummaryInput[],
  temp: readonly AwsTempRow[],
  capacities: DiskCapacities,
): Pair[] {
  const storage = ocpRows.filter(
    (o) => o.csiVolumeHandle && o.persistentvolume !== null && o.namespace !== STORAGE_UNATTRIBUTED,
  );
  const byDay = indexByDay(
    storage,
    (o) => o.usageStart,
    (o) => o.csiVolumeHandle,
  );
  const pairs: Pair[] = [];
  for (const aws of temp) {
    if (!aws.resourceIdMatched || aws.dataTransferDirection !== null || aws.resourceId === null) continue;
    if (!capacities.has(diskKey(aws.resourceId, aws.usageStart))) continue;
    for (const ocp of byDay.get(aws.usageStart)?.find(aws.resourceId) ?? []) pairs.push({ ocp, aws });
  }
  return pairs;
}

export function storageByCsiHandle(
  ocpRows: readonly OcpSummaryInput[],
  temp: readonly AwsTempRow[],
  capacities: DiskCapacities,
  newUuid: UuidSource,
): ProjectTempRow[] {
  const groups = groupBy(csiPairs(ocpRows, temp, capacities), (p) => [
    p.aws.rowUuid,
    p.ocp.namespace,
    p.ocp.podLabels,
    p.ocp.volumeLabels,
  ]);
  return groups.map((group) => {
    const { aws } = group[0];
    const ocp = group.map((p) => p.ocp);
    const claim = maxText(ocp.map((o) => o.persistentvolumeclaim));
    const unclaimed = claim === "";
    const capacity = capacities.get(diskKey(aws.resourceId as string, aws.usageStart)) as number;
    const pvCapacity = maxNumber(ocp.map((o) => o.persistentvolumeclaimCapacityGigabyte));
    const fraction = pvCapacity === null ? null : pvCapacity / capacity;
    return {
      rowUuid: newUuid(),
      clusterId: maxText(ocp.map((o) => o.clusterId)),
      clusterAlias: maxText(ocp.map((o) => o.clusterAlias)),
      dataSource: "Storage",
      namespace: unclaimed ? STORAGE_UNATTRIBUTED : maxText(ocp.map((o) => o.namespace)),
      node: maxText(ocp.map((o) => o.node)),
      persistentvolumeclaim: claim,
      persistentvolume: maxText(ocp.map((o) => o.persistentvolume)),
      storageclass: maxText(ocp.map((o) => o.storageclass)),
      aws,
      usageAmount: unclaimed ? null : aws.usageAmount,
      ...costShare(fraction, aws),
      podEffectiveUsageCpuCoreHours: null,
      podEffectiveUsageMemoryGigabyteHours: null,
      nodeCapacityCpuCoreHours: null,
      nodeCapacityMemoryGigabyteHours: null,
      podLabels: unclaimed ? null : group[0].ocp.podLabels,
      volumeLabels: unclaimed ? null : group[0].ocp.volumeLabels,
      tags: aws.tags,
      awsCostCategory: unclaimed ? null : aws.awsCostCategory,
      costCategoryId: unclaimed ? null : maxNumber(ocp.map((o) => o.costCategoryId)),
      resourceIdMatched: aws.resourceIdMatched,
      matchedTag: null,
    };
  });
}

/**
 * Per AWS disk: Σ over its PVs (of EVERY cluster in `allOcpRows`) of their largest capacity in the range,
 * and how many clusters have PVs on it (F2:210-240).
 */
export function claimedDiskCapacity(
  allOcpRows: readonly OcpSummaryInput[],
  temp: readonly AwsTempRow[],
  range: { startDate: string; endDate: string },
): Map<string, { total: number | null; clusters: number }> {
  const inRange = allOcpRows.filter((o) => o.usageStart >= range.startDate && o.usageStart <= range.endDate);
  const byDay = indexByDay(
    inRange,
    (o) => o.usageStart,
    (o) => o.csiVolumeHandle,
  );
  const perPv = new Map<
    string,
    { pv: string | null; resourceId: string; clusterId: string | null; capacity: number | null }
  >();
  for (const aws of temp) {
    if (!aws.resourceIdMatched || aws.resourceId === null) continue;
    for (const ocp of byDay.get(aws.usageStart)?.find(aws.resourceId) ?? []) {
      const key = JSON.stringify([ocp.persistentvolume, aws.resourceId, ocp.clusterId]);
      const entry = perPv.get(key);
      if (!entry) {
        perPv.set(key, {
          pv: ocp.persistentvolume,
          resourceId: aws.resourceId,
          clusterId: ocp.clusterId,
          capacity: ocp.persistentvolumeclaimCapacityGigabyte,
        });
      } else {
        entry.capacity = maxNumber([entry.capacity, ocp.persistentvolumeclaimCapacityGigabyte]);
      }
    }
  }
  const out = new Map<string, { total: number | null; clusters: number }>();
  for (const group of groupBy(perPv.values(), (e) => [e.resourceId])) {
    const clusters = new Set(group.filter((e) => e.clusterId !== null).map((e) => e.clusterId));
    out.set(group[0].resourceId, {
      total: sumNumbers(group.map((e) => e.capacity)),
      clusters: clusters.size,
    });
  }
  return out;
}

export function storageUnattributed(
  ocpRows: readonly OcpSummaryInput[],
  temp: readonly AwsTempRow[],
  capacities: DiskCapacities,
  claimed: ReadonlyMap<string, { total: number | null; clusters: number }>,
  newUuid: UuidSource,
): ProjectTempRow[] {
  const pairs = csiPairs(ocpRows, temp, capacities).filter((p) => {
    const disk = capacities.get(diskKey(p.aws.resourceId as string, p.aws.usageStart)) as number;
    const pv = claimed.get(p.aws.resourceId as string);
    // NULL total (no capacities) makes the comparison NULL: no row, like the SQL's inner condition
    return pv !== undefined && pv.total !== null && disk !== pv.total;
  });
  return groupBy(pairs, (p) => [p.aws.rowUuid, p.aws.resourceId]).map((group) => {
    const { aws } = group[0];
    const ocp = group.map((p) => p.ocp);
    const disk = capacities.get(diskKey(aws.resourceId as string, aws.usageStart)) as number;
    const pv = claimed.get(aws.resourceId as string) as { total: number; clusters: number };
    const share = (cost: number) => (((disk - pv.total) / disk) * cost) / pv.clusters;
    return {
      rowUuid: newUuid(),
      clusterId: maxText(ocp.map((o) => o.clusterId)),
      clusterAlias: maxText(ocp.map((o) => o.clusterAlias)),
      dataSource: "Storage",
      namespace: STORAGE_UNATTRIBUTED,
      node: null,
      persistentvolumeclaim: maxText(ocp.map((o) => o.persistentvolumeclaim)),
      persistentvolume: maxText(ocp.map((o) => o.persistentvolume)),
      storageclass: maxText(ocp.map((o) => o.storageclass)),
      aws,
      usageAmount: null,
      unblendedCost: share(aws.unblendedCost),
      blendedCost: share(aws.blendedCost),
      savingsPlanEffectiveCost: share(aws.savingsPlanEffectiveCost),
      calculatedAmortizedCost: share(aws.calculatedAmortizedCost),
      podEffectiveUsageCpuCoreHours: null,
      podEffectiveUsageMemoryGigabyteHours: null,
      nodeCapacityCpuCoreHours: null,
      nodeCapacityMemoryGigabyteHours: null,
      podLabels: null,
      volumeLabels: null,
      tags: null,
      awsCostCategory: null,
      costCategoryId: null,
      resourceIdMatched: aws.resourceIdMatched,
      matchedTag: null,
    };
  });
}

export function resourceMatched(
  ocpRows: readonly OcpSummaryInput[],
  temp: readonly AwsTempRow[],
  capacities: DiskCapacities,
): ProjectTempRow[] {
  const byDay = indexByDay(
    ocpRows,
    (o) => o.usageStart,
    (o) => o.resourceId,
  );
  const pairs: Pair[] = [];
  for (const aws of temp) {
    if (!aws.resourceIdMatched || aws.dataTransferDirection !== null || aws.resourceId === null) continue;
    if (capacities.has(diskKey(aws.resourceId, aws.usageStart))) continue;
    for (const ocp of byDay.get(aws.usageStart)?.find(aws.resourceId) ?? []) pairs.push({ ocp, aws });
  }
  return groupBy(pairs, (p) => [p.aws.rowUuid, p.ocp.namespace, p.ocp.podLabels]).map((group) => {
    const { aws } = group[0];
    const ocp = group.map((p) => p.ocp);
    return {
      rowUuid: aws.rowUuid,
      clusterId: maxText(ocp.map((o) => o.clusterId)),
      clusterAlias: maxText(ocp.map((o) => o.clusterAlias)),
      dataSource: "Pod",
      namespace: group[0].ocp.namespace,
      node: maxText(ocp.map((o) => o.node)),
      persistentvolumeclaim: null,
      persistentvolume: null,
      storageclass: null,
      aws,
      usageAmount: aws.usageAmount,
      ...costShare(1, aws),
      podEffectiveUsageCpuCoreHours: sumNumbers(ocp.map((o) => o.podEffectiveUsageCpuCoreHours)),
      podEffectiveUsageMemoryGigabyteHours: sumNumbers(
        ocp.map((o) => o.podEffectiveUsageMemoryGigabyteHours),
      ),
      nodeCapacityCpuCoreHours: maxNumber(ocp.map((o) => o.nodeCapacityCpuCoreHours)),
      nodeCapacityMemoryGigabyteHours: maxNumber(ocp.map((o) => o.nodeCapacityMemoryGigabyteHours)),
      podLabels: group[0].ocp.podLabels,
      volumeLabels: null,
      tags: aws.tags,
      awsCostCategory: aws.awsCostCategory,
      costCategoryId: maxNumber(ocp.map((o) => o.costCategoryId)),
      resourceIdMatched: true,
      matchedTag: null,
    };
  });
}

export function tagMatched(
  ocpRows: readonly OcpSummaryInput[],
  temp: readonly AwsTempRow[],
): ProjectTempRow[] {
  const byDay = awsByDay(
    temp.filter((a) => !a.resourceIdMatched && a.matchedTag !== null && a.matchedTag !== ""),
  );
  const candidates = tagCandidatesByDay(ocpRows);
  const pairs: Pair[] = [];
  for (const list of byDay.values()) {
    for (const aws of list) {
      for (const ocp of candidates.get(aws.usageStart)?.matching(tagTargets(aws)) ?? [])
        pairs.push({ ocp, aws });
    }
  }
  const nonEmpty = (v: string | null) => (v === "" ? null : v);
  return groupBy(pairs, (p) => [p.aws.rowUuid, p.ocp.namespace, p.ocp.dataSource]).map((group) => {
    const { aws } = group[0];
    const ocp = group.map((p) => p.ocp);
    return {
      rowUuid: aws.rowUuid,
      clusterId: maxText(ocp.map((o) => o.clusterId)),
      clusterAlias: maxText(ocp.map((o) => o.clusterAlias)),
      dataSource: group[0].ocp.dataSource,
      namespace: group[0].ocp.namespace,
      node: maxText(ocp.map((o) => o.node)),
      persistentvolumeclaim: maxText(ocp.map((o) => nonEmpty(o.persistentvolumeclaim))),
      persistentvolume: maxText(ocp.map((o) => nonEmpty(o.persistentvolume))),
      storageclass: maxText(ocp.map((o) => nonEmpty(o.storageclass))),
      aws,
      usageAmount: aws.usageAmount,
      ...costShare(1, aws),
      podEffectiveUsageCpuCoreHours: null,
      podEffectiveUsageMemoryGigabyteHours: null,
      nodeCapacityCpuCoreHours: null,
      nodeCapacityMemoryGigabyteHours: null,
      podLabels: maxText(ocp.map((o) => o.podLabels)),
      volumeLabels: maxText(ocp.map((o) => o.volumeLabels)),
      tags: aws.tags,
      awsCostCategory: aws.awsCostCategory,
      costCategoryId: maxNumber(ocp.map((o) => o.costCategoryId)),
      resourceIdMatched: false,
      matchedTag: aws.matchedTag,
    };
  });
}
