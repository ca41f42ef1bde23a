/**
 * F3 (`3_reporting_ocpawscostlineitem_project_daily_summary_p.sql`): the split rows grouped into Koku's
 * project table rows. Tags keep `vm_kubevirt_io_name` and the keys enabled for AWS or OCP (none at all when no
 * key is enabled: Trino's array || NULL is NULL); pod_labels and tags are both that filtered map.
 */
import type { OcpOnAwsParams, ProjectRow } from "../model.js";
import type { SplitRow } from "./f2-split.js";
import { filterMapText } from "./json-text.js";

export function projectKeys(
  awsEnabledKeys: readonly string[],
  ocpEnabledKeys: readonly string[],
): Set<string> {
  const enabled = [...awsEnabledKeys, ...ocpEnabledKeys];
  return enabled.length === 0 ? new Set() : new Set(["vm_kubevirt_io_name", ...enabled]);
}

/** json_parse(aws_cost_category) as Koku stores it (jsonb): canonical compact text, or null. */
function costCategoryJson(text: string | null): string | null {
  if (text === null) return null;
  return JSON.stringify(JSON.parse(text));
}

/** One project row being grouped: its first split row and the running aggregates, in the rows' order. */
interface ProjectGroup {
  first: SplitRow;
  enabledTags: string | null;
  category: string | null;
  rows: number;
  clusterAlias: string | null;
  accountAliasId: number | null;
  currencyCode: string | null;
  usageAmount: number | null;
  unblendedCost: number | null;
  markupCost: number | null;
  blendedCost: number | null;
  markupCostBlended: number | null;
  savingsPlanEffectiveCost: number | null;
  markupCostSavingsplan: number | null;
  calculatedAmortizedCost: number | null;
  markupCostAmortized: number | null;
}

/** SQL SUM step: NULLs skipped, NULL while nothing was added (the same additions, in the same order, as sumNumbers). */
const add = (total: number | null, value: number | null) => (value === null ? total : (total ?? 0) + value);
/** SQL MAX step: NULLs skipped. */
const max = <T extends string | number>(best: T | null, value: T | null) =>
  value !== null && (best === null || value > best) ? value : best;

/**
 * One pass over the split rows: each row folds into its group's running SUM/MAX as it comes, so no per-group
 * row lists or per-column arrays are built (the 1m preset has ~67,000 groups). Groups keep first-seen order.
 */
export function projectRows(
  rows: readonly SplitRow[],
  keys: ReadonlySet<string>,
  params: OcpOnAwsParams,
): ProjectRow[] {
  const groups = new Map<string, ProjectGroup>();
  // the filtered tags and categories repeat over many rows: the group key carries a small id for each text
  const textIds = new Map<string | null, number>();
  const idOf = (text: string | null) => {
    let id = textIds.get(text);
    if (id === undefined) {
      id = textIds.size;
      textIds.set(text, id);
    }
    return id;
  };
  for (const row of rows) {
    const enabledTags = filterMapText(row.tags, (k) => keys.has(k));
    const category = costCategoryJson(row.awsCostCategory);
    const key = JSON.stringify([
      row.usageStart,
      row.clusterId,
      row.dataSource,
      row.namespace,
      row.node,
      row.persistentvolumeclaim,
      row.persistentvolume,
      row.storageclass,
      row.resourceId,
      row.productCode,
      row.productFamily,
      row.instanceType,
      row.usageAccountId,
      row.availabilityZone,
      row.region,
      row.unit,
      row.dataTransferDirection,
      row.currencyCode,
      idOf(enabledTags),
      idOf(category),
      row.costCategoryId,
    ]);
    let g = groups.get(key);
    if (!g) {
      g = {
        first: row,
        enabledTags,
        category,
        rows: 0,
        clusterAlias: null,
        accountAliasId: null,
        currencyCode: null,
        usageAmount: null,
        unblendedCost: null,
        markupCost: null,
        blendedCost: null,
        markupCostBlended: null,
        savingsPlanEffectiveCost: null,
        markupCostSavingsplan: null,
        calculatedAmortizedCost: null,
        markupCostAmortized: null,
      };
      groups.set(key, g);
    }
    g.rows++;
    g.clusterAlias = max(g.clusterAlias, row.clusterAlias);
    g.accountAliasId = max(g.accountAliasId, row.accountAliasId);
    g.currencyCode = max(g.currencyCode, row.currencyCode);
    g.usageAmount = add(g.usageAmount, row.usageAmount);
    g.unblendedCost = add(g.unblendedCost, row.unblendedCost);
    g.markupCost = add(g.markupCost, row.markupCost);
    g.blendedCost = add(g.blendedCost, row.blendedCost);
    g.markupCostBlended = add(g.markupCostBlended, row.markupCostBlended);
    g.savingsPlanEffectiveCost = add(g.savingsPlanEffectiveCost, row.savingsPlanEffectiveCost);
    g.markupCostSavingsplan = add(g.markupCostSavingsplan, row.markupCostSavingsplan);
    g.calculatedAmortizedCost = add(g.calculatedAmortizedCost, row.calculatedAmortizedCost);
    g.markupCostAmortized = add(g.markupCostAmortized, row.markupCostAmortized);
  }
  const out: ProjectRow[] = [];
  for (const g of groups.values()) {
    const first = g.first;
    const direction = first.dataTransferDirection;
    out.push({
      report_period_id: params.reportPeriodId,
      cluster_id: first.clusterId,
      cluster_alias: g.clusterAlias,
      data_source: first.dataSource,
      namespace: first.namespace,
      node: first.node,
      persistentvolumeclaim: first.persistentvolumeclaim,
      persistentvolume: first.persistentvolume,
      storageclass: first.storageclass,
      resource_id: first.resourceId,
      usage_start: first.usageStart,
      usage_end: first.usageStart,
      product_code: first.productCode,
      product_family: first.productFamily,
      instance_type: first.instanceType,
      cost_entry_bill_id: params.billId,
      usage_account_id: first.usageAccountId,
      account_alias_id: g.accountAliasId,
      availability_zone: first.availabilityZone,
      region: first.region,
      unit: first.unit,
      usage_amount: g.usageAmount,
      // upper(direction) = 'IN' → usage_amount else 0, summed
      infrastructure_data_in_gigabytes: direction === "IN" ? g.usageAmount : sumZeroes(g.rows),
      infrastructure_data_out_gigabytes: direction === "OUT" ? g.usageAmount : sumZeroes(g.rows),
      data_transfer_direction: direction,
      currency_code: g.currencyCode,
      unblended_cost: g.unblendedCost,
      markup_cost: g.markupCost,
      blended_cost: g.blendedCost,
      markup_cost_blended: g.markupCostBlended,
      savingsplan_effective_cost: g.savingsPlanEffectiveCost,
      markup_cost_savingsplan: g.markupCostSavingsplan,
      calculated_amortized_cost: g.calculatedAmortizedCost,
      markup_cost_amortized: g.markupCostAmortized,
      pod_labels: g.enabledTags,
      tags: g.enabledTags,
      aws_cost_category: g.category,
      cost_category_id: first.costCategoryId,
      source_uuid: params.awsSourceUuid,
    });
  }
  return out;
}

/** SUM over n zeroes. */
function sumZeroes(n: number): number | null {
  return n > 0 ? 0 : null;
}
