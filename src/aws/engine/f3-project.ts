/**
 * F3 (`3_reporting_ocpawscostlineitem_project_daily_summary_p.sql`): the split rows grouped into Koku's
 * project table rows. Tags keep `vm_kubevirt_io_name` and the keys enabled for AWS or OCP (none at all when no
 * key is enabled: Trino's array || NULL is NULL); pod_labels and tags are both that filtered map.
 */
import type { OcpOnAwsParams, ProjectRow } from "../model.js";
import type { SplitRow } from "./f2-split.js";
import { filterMapText } from "./json-text.js";
import { groupBy, maxNumber, maxText, sumNumbers } from "./sql-aggregates.js";

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

export function projectRows(
  rows: readonly SplitRow[],
  keys: ReadonlySet<string>,
  params: OcpOnAwsParams,
): ProjectRow[] {
  const prepared = rows.map((row) => ({
    row,
    enabledTags: filterMapText(row.tags, (k) => keys.has(k)),
    category: costCategoryJson(row.awsCostCategory),
  }));
  const groups = groupBy(prepared, ({ row, enabledTags, category }) => [
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
    enabledTags,
    category,
    row.costCategoryId,
  ]);
  return groups.map((group) => {
    const first = group[0];
    const r = group.map((g) => g.row);
    const sum = (pick: (row: SplitRow) => number | null) => sumNumbers(r.map(pick));
    const direction = first.row.dataTransferDirection;
    return {
      report_period_id: params.reportPeriodId,
      cluster_id: first.row.clusterId,
      cluster_alias: maxText(r.map((x) => x.clusterAlias)),
      data_source: first.row.dataSource,
      namespace: first.row.namespace,
      node: first.row.node,
      persistentvolumeclaim: first.row.persistentvolumeclaim,
      persistentvolume: first.row.persistentvolume,
      storageclass: first.row.storageclass,
      resource_id: first.row.resourceId,
      usage_start: first.row.usageStart,
      usage_end: first.row.usageStart,
      product_code: first.row.productCode,
      product_family: first.row.productFamily,
      instance_type: first.row.instanceType,
      cost_entry_bill_id: params.billId,
      usage_account_id: first.row.usageAccountId,
      account_alias_id: maxNumber(r.map((x) => x.accountAliasId)),
      availability_zone: first.row.availabilityZone,
      region: first.row.region,
      unit: first.row.unit,
      usage_amount: sum((x) => x.usageAmount),
      // upper(direction) = 'IN' → usage_amount else 0, summed
      infrastructure_data_in_gigabytes: direction === "IN" ? sum((x) => x.usageAmount) : sumZeroes(r.length),
      infrastructure_data_out_gigabytes:
        direction === "OUT" ? sum((x) => x.usageAmount) : sumZeroes(r.length),
      data_transfer_direction: direction,
      currency_code: maxText(r.map((x) => x.currencyCode)),
      unblended_cost: sum((x) => x.unblendedCost),
      markup_cost: sum((x) => x.markupCost),
      blended_cost: sum((x) => x.blendedCost),
      markup_cost_blended: sum((x) => x.markupCostBlended),
      savingsplan_effective_cost: sum((x) => x.savingsPlanEffectiveCost),
      markup_cost_savingsplan: sum((x) => x.markupCostSavingsplan),
      calculated_amortized_cost: sum((x) => x.calculatedAmortizedCost),
      markup_cost_amortized: sum((x) => x.markupCostAmortized),
      pod_labels: first.enabledTags,
      tags: first.enabledTags,
      aws_cost_category: first.category,
      cost_category_id: first.row.costCategoryId,
      source_uuid: params.awsSourceUuid,
    };
  });
}

/** SUM over n zeroes. */
function sumZeroes(n: number): number | null {
  return n > 0 ? 0 : null;
}
