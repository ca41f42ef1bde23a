/**
 * F2's last two inserts (`2_summarize_data_by_cluster.sql:553-851`):
 *  - the final split of each project-temp row: resource-matched Pod rows take pod effective usage / node
 *    capacity of the cost (cpu or memory), tag-matched rows an equal share over the (namespace, data_source)
 *    pairs of the AWS row and the clusters it matched, other rows cost / rows of the AWS row;
 *  - Network unattributed: node data transfer, per (AWS row, node, direction), unsplit.
 */
import type { Distribution, OcpSummaryInput } from "../model.js";
import { NETWORK_UNATTRIBUTED } from "../model.js";
import { indexByDay } from "./contained-index.js";
import type { AwsTempRow } from "./f1-match.js";
import type { ProjectTempRow } from "./f2-attribute.js";
import { concatMapTexts } from "./json-text.js";
import { groupBy, maxText } from "./sql-aggregates.js";
import { tagCandidatesByDay, tagTargets } from "./tag-candidates.js";

/** A row of managed_reporting_ocpawscostlineitem_project_daily_summary (before F3's grouping). */
export interface SplitRow {
  clusterId: string | null;
  clusterAlias: string | null;
  dataSource: string | null;
  namespace: string | null;
  node: string | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  resourceId: string | null;
  usageStart: string;
  productCode: string | null;
  productFamily: string | null;
  instanceType: string | null;
  usageAccountId: string;
  accountAliasId: number | null;
  availabilityZone: string | null;
  region: string | null;
  unit: string | null;
  usageAmount: number | null;
  dataTransferDirection: "IN" | "OUT" | null;
  currencyCode: string | null;
  unblendedCost: number | null;
  markupCost: number | null;
  blendedCost: number | null;
  markupCostBlended: number | null;
  savingsPlanEffectiveCost: number | null;
  markupCostSavingsplan: number | null;
  calculatedAmortizedCost: number | null;
  markupCostAmortized: number | null;
  tags: string | null;
  awsCostCategory: string | null;
  costCategoryId: number | null;
}

/**
 * For each tag-matched AWS row: the number of OCP sources (of all clusters' summary rows given) with a row
 * the tags point to on that day (cte_cluster_counts).
 */
export function clusterCounts(
  temp: readonly AwsTempRow[],
  allOcpRows: readonly OcpSummaryInput[],
): Map<string, number> {
  const tagged = temp.filter((a) => !a.resourceIdMatched && a.matchedTag !== null && a.matchedTag !== "");
  const candidates = tagCandidatesByDay(allOcpRows);
  const counts = new Map<string, number>();
  for (const aws of tagged) {
    const matching = candidates.get(aws.usageStart)?.matching(tagTargets(aws)) ?? [];
    const sources = new Set(matching.map((ocp) => ocp.sourceUuid));
    if (sources.size > 0) counts.set(aws.rowUuid, sources.size);
  }
  return counts;
}

export function finalSplit(
  pds: readonly ProjectTempRow[],
  counts: ReadonlyMap<string, number>,
  distribution: Distribution,
  markup: number,
  accountAliases: ReadonlyMap<string, number>,
): SplitRow[] {
  const rowsPerUuid = new Map<string, number>();
  for (const row of pds) rowsPerUuid.set(row.rowUuid, (rowsPerUuid.get(row.rowUuid) ?? 0) + 1);
  return pds.map((row) => {
    const uuidCount = rowsPerUuid.get(row.rowUuid) as number;
    const clusterCount = counts.get(row.rowUuid) ?? 1;
    let factor: (cost: number | null) => number | null;
    if (row.resourceIdMatched && row.dataSource === "Pod") {
      const pod =
        distribution === "cpu" ? row.podEffectiveUsageCpuCoreHours : row.podEffectiveUsageMemoryGigabyteHours;
      const node =
        distribution === "cpu" ? row.nodeCapacityCpuCoreHours : row.nodeCapacityMemoryGigabyteHours;
      // (pod / nullif(node, 0)) * cost: NULL usage or a zero/NULL capacity gives NULL cost
      factor = (cost) =>
        pod === null || node === null || node === 0 || cost === null ? null : (pod / node) * cost;
    } else if (!row.resourceIdMatched) {
      factor = (cost) => (cost === null ? null : cost / (uuidCount * clusterCount));
    } else {
      factor = (cost) => (cost === null ? null : cost / uuidCount);
    }
    const withMarkup = (cost: number | null) => (cost === null ? null : cost * markup);
    const unblended = factor(row.unblendedCost);
    const blended = factor(row.blendedCost);
    const savings = factor(row.savingsPlanEffectiveCost);
    const amortized = factor(row.calculatedAmortizedCost);
    const usage =
      row.usageAmount === null
        ? null
        : row.resourceIdMatched
          ? row.usageAmount / uuidCount
          : row.usageAmount / (uuidCount * clusterCount);
    return {
      clusterId: row.clusterId,
      clusterAlias: row.clusterAlias,
      dataSource: row.dataSource,
      namespace: row.namespace,
      node: row.node,
      persistentvolumeclaim: row.persistentvolumeclaim,
      persistentvolume: row.persistentvolume,
      storageclass: row.storageclass,
      resourceId: row.aws.resourceId,
      usageStart: row.aws.usageStart,
      productCode: row.aws.productCode,
      productFamily: row.aws.productFamily,
      instanceType: row.aws.instanceType,
      usageAccountId: row.aws.usageAccountId,
      accountAliasId: accountAliases.get(row.aws.usageAccountId) ?? null,
      availabilityZone: row.aws.availabilityZone,
      region: row.aws.region,
      unit: row.aws.unit,
      usageAmount: usage,
      dataTransferDirection: null,
      currencyCode: row.aws.currencyCode,
      unblendedCost: unblended,
      markupCost: withMarkup(unblended),
      blendedCost: blended,
      markupCostBlended: withMarkup(blended),
      savingsPlanEffectiveCost: savings,
      markupCostSavingsplan: withMarkup(savings),
      calculatedAmortizedCost: amortized,
      markupCostAmortized: withMarkup(amortized),
      tags: concatMapTexts(row.podLabels !== null ? row.podLabels : row.volumeLabels, row.tags),
      awsCostCategory: row.awsCostCategory,
      costCategoryId: row.costCategoryId,
    };
  });
}

export function networkUnattributed(
  ocpRows: readonly OcpSummaryInput[],
  temp: readonly AwsTempRow[],
  markup: number,
  accountAliases: ReadonlyMap<string, number>,
): SplitRow[] {
  const pods = ocpRows.filter((o) => o.dataSource === "Pod");
  const byDay = indexByDay(
    pods,
    (o) => o.usageStart,
    (o) => o.resourceId,
  );
  const pairs: { ocp: OcpSummaryInput; aws: AwsTempRow }[] = [];
  for (const aws of temp) {
    if (!aws.resourceIdMatched || aws.dataTransferDirection === null || aws.resourceId === null) continue;
    for (const ocp of byDay.get(aws.usageStart)?.find(aws.resourceId) ?? []) pairs.push({ ocp, aws });
  }
  return groupBy(pairs, (p) => [p.aws.rowUuid, p.ocp.node, p.aws.dataTransferDirection]).map((group) => {
    const { aws } = group[0];
    const ocp = group.map((p) => p.ocp);
    return {
      clusterId: maxText(ocp.map((o) => o.clusterId)),
      clusterAlias: maxText(ocp.map((o) => o.clusterAlias)),
      dataSource: "Pod",
      namespace: NETWORK_UNATTRIBUTED,
      node: group[0].ocp.node,
      persistentvolumeclaim: maxText(ocp.map((o) => o.persistentvolumeclaim)),
      persistentvolume: maxText(ocp.map((o) => o.persistentvolume)),
      storageclass: maxText(ocp.map((o) => o.storageclass)),
      resourceId: aws.resourceId,
      usageStart: aws.usageStart,
      productCode: aws.productCode,
      productFamily: aws.productFamily,
      instanceType: aws.instanceType,
      usageAccountId: aws.usageAccountId,
      accountAliasId: accountAliases.get(aws.usageAccountId) ?? null,
      availabilityZone: aws.availabilityZone,
      region: aws.region,
      unit: aws.unit,
      usageAmount: aws.usageAmount,
      dataTransferDirection: aws.dataTransferDirection,
      currencyCode: aws.currencyCode,
      unblendedCost: aws.unblendedCost,
      markupCost: aws.unblendedCost * markup,
      blendedCost: aws.blendedCost,
      markupCostBlended: aws.blendedCost * markup,
      savingsPlanEffectiveCost: aws.savingsPlanEffectiveCost,
      markupCostSavingsplan: aws.savingsPlanEffectiveCost * markup,
      calculatedAmortizedCost: aws.calculatedAmortizedCost,
      markupCostAmortized: aws.calculatedAmortizedCost * markup,
      tags: aws.tags,
      awsCostCategory: null,
      costCategoryId: null,
    };
  });
}
