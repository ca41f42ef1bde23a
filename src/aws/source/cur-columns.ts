/**
 * The CUR columns the OCP-on-AWS step reads, by their names in Koku's Parquet (CUR 1.0 `lineItem/ResourceId`
 * stripped to `lineitem_resourceid`, masu/util/common.py strip_characters_from_column_name) and, as a second
 * spelling, the CUR 2.0 snake-case name Koku translates from (aws_post_processor.py COL_TRANSLATION), so files
 * written with CUR 2.0 names read the same.
 */
import type { ColumnKind } from "../../model.js";

export interface CurColumn {
  name: string;
  cur2: string | null;
  kind: ColumnKind;
  required: boolean;
}

const text = (name: string, cur2: string | null, required = true): CurColumn => ({
  name,
  cur2,
  kind: "string",
  required,
});
const num = (name: string, cur2: string | null): CurColumn => ({
  name,
  cur2,
  kind: "double",
  required: true,
});

/** aws_line_items_daily: what F1 and the matched-tag discovery read. */
export const DAILY_COLUMNS: readonly CurColumn[] = [
  text("row_uuid", null, false),
  text("lineitem_resourceid", "line_item_resource_id"),
  { name: "lineitem_usagestartdate", cur2: "line_item_usage_start_date", kind: "timestamp", required: true },
  text("bill_billingentity", "bill_billing_entity"),
  text("lineitem_productcode", "line_item_product_code"),
  text("product_productname", "product_product_name", false),
  text("lineitem_usageaccountid", "line_item_usage_account_id"),
  text("lineitem_availabilityzone", "line_item_availability_zone", false),
  text("product_productfamily", "product_product_family", false),
  text("product_instancetype", "product_instance_type", false),
  text("product_region", "product_region", false),
  text("pricing_unit", "pricing_unit", false),
  text("lineitem_usagetype", "line_item_usage_type", false),
  text("lineitem_operation", "line_item_operation", false),
  text("lineitem_lineitemtype", "line_item_line_item_type"),
  text("lineitem_currencycode", "line_item_currency_code", false),
  text("resourcetags", "resource_tags", false),
  text("costcategory", "cost_category", false),
  num("lineitem_usageamount", "line_item_usage_amount"),
  num("lineitem_unblendedcost", "line_item_unblended_cost"),
  num("lineitem_blendedcost", "line_item_blended_cost"),
  num("savingsplan_savingsplaneffectivecost", "savings_plan_savings_plan_effective_cost"),
];

/** aws_line_items (hourly): only what F2's disk capacity reads. */
export const HOURLY_COLUMNS: readonly CurColumn[] = [
  text("lineitem_resourceid", "line_item_resource_id"),
  { name: "lineitem_usagestartdate", cur2: "line_item_usage_start_date", kind: "timestamp", required: true },
  num("lineitem_unblendedcost", "line_item_unblended_cost"),
  num("lineitem_unblendedrate", "line_item_unblended_rate"),
];

/** The name to request from a file: Koku's, else the CUR 2.0 one when only that is present. */
export function physicalName(column: CurColumn, present: ReadonlySet<string>): string {
  if (present.has(column.name) || column.cur2 === null) return column.name;
  return present.has(column.cur2) ? column.cur2 : column.name;
}
