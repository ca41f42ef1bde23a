/**
 * CUR rows of a scenario: every line item for each of its hours, as Koku's hourly Parquet holds them, and the
 * daily rows as Koku's `_generate_daily_data` makes them (group by its 19 keys, sums and maxima, one row_uuid
 * per daily row; here a uuid5 of the seed and the group so a dataset is reproducible).
 */
import { uuid5 } from "../../generate/uuid5.js";
import { pythonJsonObject } from "../engine/json-text.js";
import type { CurLineItem } from "./cur-scenario.js";

export type CurValue = string | number | null;
export type CurRow = Record<string, CurValue>;

export interface CurRowsOptions {
  startDate: string;
  endDate: string;
  accountId: string;
  payerAccountId: string;
  seed: number;
  year: number;
  month: number;
}

const HOUR = 3_600_000;

function days(startDate: string, endDate: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${startDate}T00:00:00Z`);
    t <= Date.parse(`${endDate}T00:00:00Z`);
    t += 24 * HOUR
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Koku's resourcetags: json.dumps of the user tags in sorted column order, empty values skipped. */
export function resourceTagsText(tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort((a, b) => {
    const x = `resourceTags/user:${a}`;
    const y = `resourceTags/user:${b}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return pythonJsonObject(keys.filter((k) => tags[k] !== "").map((k) => [k, tags[k]]));
}

export function hourlyRows(items: readonly CurLineItem[], o: CurRowsOptions): CurRow[] {
  const rows: CurRow[] = [];
  const monthStart = Date.UTC(o.year, o.month - 1, 1);
  const monthEnd = Date.UTC(o.year, o.month, 1);
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
  for (const item of items) {
    for (const day of item.days ?? days(o.startDate, o.endDate)) {
      for (let h = 0; h < item.hours; h++) {
        const start = Date.parse(`${day}T00:00:00Z`) + h * HOUR;
        rows.push({
          identity_timeinterval: `${iso(start)}/${iso(start + HOUR)}`,
          bill_invoiceid: "",
          bill_billingentity: item.billing_entity,
          bill_billtype: "Anniversary",
          bill_payeraccountid: o.payerAccountId,
          bill_billingperiodstartdate: monthStart,
          bill_billingperiodenddate: monthEnd,
          lineitem_usageaccountid: item.account_id ?? o.accountId,
          lineitem_lineitemtype: item.line_item_type,
          lineitem_usagestartdate: start,
          lineitem_usageenddate: start + HOUR,
          lineitem_productcode: item.product_code,
          lineitem_usagetype: item.usage_type,
          lineitem_operation: item.operation,
          lineitem_availabilityzone: item.availability_zone,
          lineitem_resourceid: item.resource_id,
          lineitem_usageamount: item.usage,
          lineitem_normalizationfactor: 0,
          lineitem_normalizedusageamount: 0,
          lineitem_currencycode: "USD",
          lineitem_unblendedrate: item.rate ?? item.cost,
          lineitem_unblendedcost: item.cost,
          lineitem_blendedrate: item.rate ?? item.cost,
          lineitem_blendedcost: item.blended_cost ?? item.cost,
          lineitem_lineitemdescription: `${item.usage_type} ${item.operation}`.trim(),
          lineitem_legalentity: "Amazon Web Services, Inc.",
          product_productname: item.product_name,
          product_instancetype: item.instance_type,
          product_productfamily: item.product_family,
          product_region: item.region,
          product_operatingsystem: "",
          product_vcpu: "",
          product_memory: "",
          pricing_unit: item.unit,
          pricing_publicondemandcost: item.public_on_demand_cost ?? item.cost,
          pricing_publicondemandrate: item.public_on_demand_cost ?? item.cost,
          savingsplan_savingsplaneffectivecost: item.savings_plan_effective_cost,
          resourcetags: resourceTagsText(item.tags),
          costcategory: pythonJsonObject(Object.entries(item.cost_category).sort()),
        });
      }
    }
  }
  return rows;
}

const DAILY_KEYS = [
  "lineitem_resourceid",
  "lineitem_usagestartdate",
  "bill_payeraccountid",
  "lineitem_usageaccountid",
  "lineitem_legalentity",
  "lineitem_lineitemdescription",
  "bill_billingentity",
  "lineitem_productcode",
  "lineitem_availabilityzone",
  "lineitem_lineitemtype",
  "lineitem_usagetype",
  "lineitem_operation",
  "product_productfamily",
  "product_operatingsystem",
  "product_instancetype",
  "product_region",
  "pricing_unit",
  "resourcetags",
  "costcategory",
];
const DAILY_SUMS = [
  "lineitem_usageamount",
  "lineitem_normalizedusageamount",
  "lineitem_unblendedcost",
  "lineitem_blendedcost",
  "pricing_publicondemandcost",
  "savingsplan_savingsplaneffectivecost",
];
const DAILY_MAXES = [
  "lineitem_normalizationfactor",
  "lineitem_currencycode",
  "lineitem_unblendedrate",
  "lineitem_blendedrate",
  "pricing_publicondemandrate",
  "bill_invoiceid",
  "product_productname",
  "product_vcpu",
  "product_memory",
];
export const DAILY_COLUMN_ORDER = [...DAILY_KEYS, ...DAILY_SUMS, ...DAILY_MAXES, "row_uuid"];

export function dailyRows(hourly: readonly CurRow[], seed: number): CurRow[] {
  const groups = new Map<string, CurRow>();
  for (const row of hourly) {
    const dayStart = Math.floor((row.lineitem_usagestartdate as number) / (24 * HOUR)) * 24 * HOUR;
    const keyValues = DAILY_KEYS.map((k) => (k === "lineitem_usagestartdate" ? dayStart : row[k]));
    const key = JSON.stringify(keyValues);
    let daily = groups.get(key);
    if (!daily) {
      daily = {};
      DAILY_KEYS.forEach((k, i) => {
        (daily as CurRow)[k] = keyValues[i];
      });
      for (const k of DAILY_SUMS) daily[k] = 0;
      for (const k of DAILY_MAXES) daily[k] = row[k];
      daily.row_uuid = uuid5(`ocp-on-aws:${seed}:${key}`);
      groups.set(key, daily);
    }
    for (const k of DAILY_SUMS) daily[k] = (daily[k] as number) + (row[k] as number);
    for (const k of DAILY_MAXES) {
      const v = row[k];
      const cur = daily[k];
      if (v !== null && (cur === null || (v as string | number) > (cur as string | number))) daily[k] = v;
    }
  }
  return [...groups.values()];
}
