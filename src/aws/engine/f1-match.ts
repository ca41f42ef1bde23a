/**
 * F1 (`1_resource_matching_by_cluster.sql`): which AWS daily rows of the range belong to the cluster, and the
 * per-row values the rest of the flow uses (managed_aws_openshift_daily_temp).
 * - resource-matched: the resource id ENDS WITH a node resource id, a PV name or a non-empty CSI volume handle;
 * - tag-matched (only when not resource-matched): the raw `resourcetags` text CONTAINS a matched-tag string;
 *   `matchedTag` lists those strings joined by ','.
 */
import type { AwsDailyRow, OcpMatchables } from "../model.js";
import { filterMapText } from "./json-text.js";

export interface AwsTempRow {
  rowUuid: string;
  resourceId: string | null;
  productCode: string | null;
  usageStart: string;
  usageAccountId: string;
  availabilityZone: string | null;
  productFamily: string | null;
  instanceType: string | null;
  region: string | null;
  unit: string | null;
  /** resourcetags filtered to AWS-enabled keys ∪ openshift_cluster/node/project, compact and sorted. */
  tags: string | null;
  awsCostCategory: string | null;
  usageAmount: number;
  dataTransferDirection: "IN" | "OUT" | null;
  currencyCode: string | null;
  unblendedCost: number;
  blendedCost: number;
  savingsPlanEffectiveCost: number;
  calculatedAmortizedCost: number;
  resourceIdMatched: boolean;
  matchedTag: string | null;
}

const OPENSHIFT_KEYS = ["openshift_cluster", "openshift_node", "openshift_project"];

/** Suffix lookup: is `text` ending with one of the needles? (substr(x, -length(y)) = y) */
export class SuffixSet {
  private readonly byLength = new Map<number, Set<string>>();

  constructor(needles: Iterable<string>) {
    for (const needle of needles) {
      if (needle === "") continue;
      const set = this.byLength.get(needle.length) ?? new Set<string>();
      this.byLength.set(needle.length, set);
      set.add(needle);
    }
  }

  matches(text: string): boolean {
    for (const [length, set] of this.byLength) {
      if (length <= text.length && set.has(text.slice(text.length - length))) return true;
    }
    return false;
  }
}

/** Koku's data_transfer_direction rule (F1:264-275). */
export function dataTransferDirection(row: AwsDailyRow): "IN" | "OUT" | null {
  if (row.productCode !== "AmazonEC2" || row.productFamily !== "Data Transfer") return null;
  const usageType = row.usageType.toLowerCase();
  const operation = row.operation.toLowerCase();
  if (usageType.includes("in-bytes")) return "IN";
  if (usageType.includes("out-bytes")) return "OUT";
  if (usageType.includes("regional-bytes") && operation.includes("-in")) return "IN";
  if (usageType.includes("regional-bytes") && operation.includes("-out")) return "OUT";
  return null;
}

const nullIfEmpty = (text: string): string | null => (text === "" ? null : text);

export function matchAwsRows(
  rows: readonly AwsDailyRow[],
  matchables: OcpMatchables,
  matchedTagArray: readonly string[],
  awsEnabledKeys: readonly string[],
  range: { startDate: string; endDate: string },
): AwsTempRow[] {
  const suffixes = new SuffixSet([
    ...matchables.nodeResourceIds,
    ...matchables.volumes.map((v) => v.persistentvolume),
    ...matchables.volumes.map((v) => v.csiVolumeHandle),
  ]);
  // Matchability depends on the distinct resource id only.
  const matchable = new Map<string, boolean>();
  const keep = new Set([...OPENSHIFT_KEYS, ...awsEnabledKeys]);
  const out: AwsTempRow[] = [];
  for (const row of rows) {
    if (row.usageStart < range.startDate || row.usageStart > range.endDate) continue;
    let resourceMatched = matchable.get(row.resourceId);
    if (resourceMatched === undefined) {
      resourceMatched = suffixes.matches(row.resourceId);
      matchable.set(row.resourceId, resourceMatched);
    }
    let matchedTag: string | null = null;
    if (!resourceMatched) {
      const found = matchedTagArray.filter((tag) => row.resourceTags.includes(tag));
      if (found.length === 0) continue;
      matchedTag = found.join(",");
    }
    const spCovered = row.lineItemType === "SavingsPlanCoveredUsage";
    out.push({
      rowUuid: row.rowUuid,
      resourceId: nullIfEmpty(row.resourceId),
      productCode:
        row.billingEntity === "AWS Marketplace"
          ? (nullIfEmpty(row.productName) ?? nullIfEmpty(row.productCode))
          : nullIfEmpty(row.productCode),
      usageStart: row.usageStart,
      usageAccountId: row.usageAccountId,
      availabilityZone: nullIfEmpty(row.availabilityZone),
      productFamily: nullIfEmpty(row.productFamily),
      instanceType: nullIfEmpty(row.instanceType),
      region: nullIfEmpty(row.region),
      unit: nullIfEmpty(row.unit),
      tags: filterMapText(row.resourceTags, (k) => keep.has(k)),
      awsCostCategory: row.costCategory,
      usageAmount: row.usageAmount,
      dataTransferDirection: dataTransferDirection(row),
      currencyCode: nullIfEmpty(row.currencyCode),
      // SavingsPlanCoveredUsage is paid through the plan: 0 unblended/blended (COST-5098)
      unblendedCost: spCovered ? 0 : row.unblendedCost,
      blendedCost: spCovered ? 0 : row.blendedCost,
      savingsPlanEffectiveCost: row.savingsPlanEffectiveCost,
      calculatedAmortizedCost:
        row.lineItemType === "Tax" || row.lineItemType === "Usage"
          ? row.unblendedCost
          : row.savingsPlanEffectiveCost,
      resourceIdMatched: resourceMatched,
      matchedTag,
    });
  }
  return out;
}
