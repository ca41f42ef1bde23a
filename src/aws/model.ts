/**
 * Vocabulary of the OCP-on-AWS step (Koku's `populate_daily_summary/0..3_*.sql` + back-populate):
 * the AWS daily line items it reads, the OpenShift rows it matches them to, and the project rows it writes.
 * Dates are `YYYY-MM-DD` (UTC). Nothing here does I/O.
 */

/** The columns of one `aws_line_items_daily` row that F1 reads (Koku's snake-case Parquet names in comments). */
export interface AwsDailyRow {
  /** row_uuid: Koku's uuid4 per daily row, the identity of the row through the whole flow. */
  rowUuid: string;
  /** lineitem_resourceid ('' when none). */
  resourceId: string;
  /** lineitem_usagestartdate, as a UTC day. */
  usageStart: string;
  /** bill_billingentity */
  billingEntity: string;
  /** lineitem_productcode / product_productname */
  productCode: string;
  productName: string;
  /** lineitem_usageaccountid */
  usageAccountId: string;
  availabilityZone: string;
  productFamily: string;
  instanceType: string;
  region: string;
  /** pricing_unit */
  unit: string;
  usageType: string;
  operation: string;
  lineItemType: string;
  currencyCode: string;
  /** resourcetags: JSON text (Koku's json.dumps of the user tags). */
  resourceTags: string;
  /** costcategory: JSON text, or null when absent. */
  costCategory: string | null;
  usageAmount: number;
  unblendedCost: number;
  blendedCost: number;
  savingsPlanEffectiveCost: number;
}

/** Hourly `aws_line_items` figures of one resource on one day (F2's disk capacity). */
export interface AwsHourlyMax {
  resourceId: string;
  day: string;
  maxUnblendedCost: number;
  maxUnblendedRate: number;
}

/**
 * One row of the OCP daily summary as F2 reads Koku's Parquet copy of it (spec §2.1): Pod, Storage and
 * unallocated rows, labels as compact key-sorted JSON text, plus the Storage rows' CSI volume handle.
 */
export interface OcpSummaryInput {
  sourceUuid: string;
  clusterId: string | null;
  clusterAlias: string | null;
  dataSource: "Pod" | "Storage";
  usageStart: string;
  namespace: string | null;
  node: string | null;
  resourceId: string | null;
  podLabels: string | null;
  volumeLabels: string | null;
  podEffectiveUsageCpuCoreHours: number | null;
  podEffectiveUsageMemoryGigabyteHours: number | null;
  nodeCapacityCpuCoreHours: number | null;
  nodeCapacityMemoryGigabyteHours: number | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  persistentvolumeclaimCapacityGigabyte: number | null;
  costCategoryId: number | null;
  csiVolumeHandle: string | null;
}

/** What F1 needs from the OpenShift daily usage files (pod and storage) of the range. */
export interface OcpMatchables {
  /** Distinct non-empty node resource ids of the pod rows. */
  nodeResourceIds: string[];
  /** Distinct (persistentvolume, csi_volume_handle) of the storage rows with a non-empty PV. */
  volumes: { persistentvolume: string; csiVolumeHandle: string }[];
  /** Distinct nodes and namespaces of the pod rows (the openshift_node / openshift_project tags). */
  nodes: string[];
  namespaces: string[];
}

export type Distribution = "cpu" | "memory";

/** One OCP-on-AWS run: one AWS source, one OCP source (cluster), one month or day range. */
export interface OcpOnAwsParams {
  awsSourceUuid: string;
  ocpSourceUuid: string;
  year: number;
  month: number;
  startDate: string;
  endDate: string;
  clusterId: string;
  /** The OCP provider's name in Koku; the openshift_cluster tag matches it as well as the id. */
  clusterAlias: string | null;
  billId: number;
  reportPeriodId: number;
  /** Fraction (Koku: the AWS cost model's markup percent / 100). */
  markup: number;
  distribution: Distribution;
}

/**
 * What a run is asked for: as OcpOnAwsParams, but `markup` / `distribution` null when not given explicitly — then
 * Koku's cost model of the AWS (markup) or OCP (distribution) source decides when the schema has one, else 0 / cpu.
 */
export type OcpOnAwsRequest = Omit<OcpOnAwsParams, "markup" | "distribution"> & {
  markup: number | null;
  distribution: Distribution | null;
};

/** Reference data from Koku's tables (or config). */
export interface OcpOnAwsReference {
  /** reporting_enabledtagkeys, provider_type AWS, enabled. */
  awsEnabledKeys: string[];
  /** reporting_enabledtagkeys, provider_type OCP, enabled. */
  ocpEnabledKeys: string[];
  /** reporting_awsaccountalias: account_id → id. */
  accountAliases: Map<string, number>;
  /**
   * Matched tags from Koku's PostgreSQL tag-summary tables (aws/sink/tag-summary-tables.ts), used instead of the
   * discovery over the range when non-empty, as Koku does; null or absent when the schema has no such tables.
   */
  storedMatchedTags?: readonly string[] | null;
}

/** One row of `reporting_ocpawscostlineitem_project_daily_summary_p` as F3 makes it (no uuid yet). */
export interface ProjectRow {
  report_period_id: number;
  cluster_id: string | null;
  cluster_alias: string | null;
  data_source: string | null;
  namespace: string | null;
  node: string | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  resource_id: string | null;
  usage_start: string;
  usage_end: string;
  product_code: string | null;
  product_family: string | null;
  instance_type: string | null;
  cost_entry_bill_id: number;
  usage_account_id: string | null;
  account_alias_id: number | null;
  availability_zone: string | null;
  region: string | null;
  unit: string | null;
  usage_amount: number | null;
  infrastructure_data_in_gigabytes: number | null;
  infrastructure_data_out_gigabytes: number | null;
  data_transfer_direction: string | null;
  currency_code: string | null;
  unblended_cost: number | null;
  markup_cost: number | null;
  blended_cost: number | null;
  markup_cost_blended: number | null;
  savingsplan_effective_cost: number | null;
  markup_cost_savingsplan: number | null;
  calculated_amortized_cost: number | null;
  markup_cost_amortized: number | null;
  pod_labels: string | null;
  tags: string | null;
  aws_cost_category: string | null;
  cost_category_id: number | null;
  source_uuid: string;
}

export const PROJECT_COLUMNS = [
  "report_period_id",
  "cluster_id",
  "cluster_alias",
  "data_source",
  "namespace",
  "node",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "resource_id",
  "usage_start",
  "usage_end",
  "product_code",
  "product_family",
  "instance_type",
  "cost_entry_bill_id",
  "usage_account_id",
  "account_alias_id",
  "availability_zone",
  "region",
  "unit",
  "usage_amount",
  "infrastructure_data_in_gigabytes",
  "infrastructure_data_out_gigabytes",
  "data_transfer_direction",
  "currency_code",
  "unblended_cost",
  "markup_cost",
  "blended_cost",
  "markup_cost_blended",
  "savingsplan_effective_cost",
  "markup_cost_savingsplan",
  "calculated_amortized_cost",
  "markup_cost_amortized",
  "pod_labels",
  "tags",
  "aws_cost_category",
  "cost_category_id",
  "source_uuid",
] as const satisfies readonly (keyof ProjectRow)[];

export const PROJECT_NUMERIC_COLUMNS: ReadonlySet<string> = new Set([
  "report_period_id",
  "cost_entry_bill_id",
  "account_alias_id",
  "cost_category_id",
  "usage_amount",
  "infrastructure_data_in_gigabytes",
  "infrastructure_data_out_gigabytes",
  "unblended_cost",
  "markup_cost",
  "blended_cost",
  "markup_cost_blended",
  "savingsplan_effective_cost",
  "markup_cost_savingsplan",
  "calculated_amortized_cost",
  "markup_cost_amortized",
]);

/** Namespaces Koku gives rows that belong to no project. */
export const WORKER_UNALLOCATED = "Worker unallocated";
export const PLATFORM_UNALLOCATED = "Platform unallocated";
export const STORAGE_UNATTRIBUTED = "Storage unattributed";
export const NETWORK_UNATTRIBUTED = "Network unattributed";
