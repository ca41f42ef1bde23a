/**
 * Shared vocabulary of the pipeline: what a run is, what input files look like, what a summary row is.
 * source/ → parquet/ → engine/ → sink/ all speak these types; nothing here does I/O.
 */

/** Koku's two renderings of the summary SQL (spec §12). */
export type KokuSqlFlavor = "trino" | "onprem";

export type ReportType = "pod_usage" | "storage_usage" | "node_labels" | "namespace_labels";
export const REPORT_TYPES: readonly ReportType[] = [
  "pod_usage",
  "storage_usage",
  "node_labels",
  "namespace_labels",
];

/** Report types read by the steps beyond the daily summary (inventory, GPU, VM): absent for older operators. */
export type StepReportType = "gpu_usage" | "vm_usage";
export type AnyReportType = ReportType | StepReportType;
/** Every report type of Koku's object layout, in listing order. */
export const ALL_REPORT_TYPES: readonly AnyReportType[] = [...REPORT_TYPES, "gpu_usage", "vm_usage"];

/** Koku's OCP summary steps a run can do, in Koku's order of work (inventory first). */
export const RUN_STEPS = ["summary", "inventory", "gpu", "vm"] as const;
export type RunStep = (typeof RUN_STEPS)[number];

/** One source/month run (spec §1). Dates are `YYYY-MM-DD`, UTC, inclusive. */
export interface RunParams {
  sourceUuid: string;
  year: number;
  month: number;
  startDate: string;
  endDate: string;
  clusterId: string | null;
  clusterAlias: string | null;
  reportPeriodId: number | null;
  orgId: string | null;
  kokuSql: KokuSqlFlavor;
}

/** Reference data a run needs besides Parquet (spec §2.5). */
export interface ReferenceData {
  /** Keys enabled for OCP in `reporting_enabledtagkeys` (without the implicit `vm_kubevirt_io_name`). */
  enabledTagKeys: string[];
  /** `reporting_ocp_cost_category_namespace`: LIKE pattern → id. */
  costCategories: { namespace: string; cost_category_id: number }[];
  /** `reporting_ocp_nodes`; null when the table is absent: roles are then derived from the pod data. */
  nodeRoles: { node: string; resource_id: string | null; node_role: string | null }[] | null;
}

export type Granularity = "hourly" | "daily";

/** A Parquet object of the run, as listed by a source. */
export interface InputFile {
  reportType: AnyReportType;
  granularity: Granularity;
  /** Where it is, for humans and error messages: a local path or `s3://bucket/key`. */
  location: string;
  size: number;
}

/** Random-access bytes of one file (the shape hyparquet calls AsyncBuffer). */
export interface ByteSource {
  byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}

/** Where Parquet bytes come from: a local directory or S3. */
export interface InputSource {
  /** e.g. `/data/koku` or `s3://bucket/prefix` (never credentials). */
  describe(): string;
  /** Every Parquet file of the run's month (hourly and daily trees), sorted by location. */
  list(query: {
    orgId: string | null;
    sourceUuid: string;
    year: number;
    month: number;
  }): Promise<InputFile[]>;
  open(file: InputFile): Promise<ByteSource>;
  close(): Promise<void>;
  /** Where `list` looked and which other months the source has: for the error of a run that found nothing. */
  describeSearch?(query: { orgId: string | null; sourceUuid: string; year: number; month: number }): Promise<{
    prefixes: string[];
    warehouse: string;
    org: string | null;
    otherMonths: string[];
  }>;
}

/**
 * Decoded Parquet, the engine's input contract: parquet/ fills these, engine/ and run/ read them, neither
 * knows the other's code. Text arrives as integer ids from a StringInterner the engine owns.
 */

/** What a file feeds the engine: a report type's rows, or (hourly pod files beside daily ones) node capacity only. */
export type EngineInput = ReportType | "pod_capacity";

/** Maps text to small integer ids; the engine owns it, the reader fills it. */
export interface StringInterner {
  intern(text: string): number;
}

export type ColumnKind = "string" | "double" | "timestamp";

export interface ColumnRequest {
  name: string;
  kind: ColumnKind;
  /** Missing required columns fail the read; missing optional ones read as all-null. */
  required: boolean;
}

/** Decoded values of one column of one row group. */
export type DecodedColumn =
  | { kind: "string"; ids: Int32Array } // -1 = null
  | { kind: "double"; values: Float64Array; nulls: Uint8Array | null } // nulls[i] = 1 where null
  | { kind: "timestamp"; millis: Float64Array }; // NaN = null; UTC epoch milliseconds

export interface RowGroupBatch {
  location: string;
  rowGroup: number;
  numRows: number;
  columns: Map<string, DecodedColumn>;
  /** Compressed bytes fetched for this batch. */
  bytes: number;
}

/**
 * One row of `reporting_ocpusagelineitem_daily_summary` as this product fills it (spec §3).
 * JSON columns hold JSON text; dates are `YYYY-MM-DD`; numbers are IEEE doubles (the database rounds).
 */
export interface SummaryRow {
  report_period_id: number | null;
  cluster_id: string | null;
  cluster_alias: string | null;
  data_source: "Pod" | "Storage";
  usage_start: string;
  usage_end: string;
  namespace: string | null;
  node: string | null;
  resource_id: string | null;
  pod_labels: string | null;
  pod_usage_cpu_core_hours: number | null;
  pod_request_cpu_core_hours: number | null;
  pod_effective_usage_cpu_core_hours: number | null;
  pod_limit_cpu_core_hours: number | null;
  pod_usage_memory_gigabyte_hours: number | null;
  pod_request_memory_gigabyte_hours: number | null;
  pod_effective_usage_memory_gigabyte_hours: number | null;
  pod_limit_memory_gigabyte_hours: number | null;
  node_capacity_cpu_cores: number | null;
  node_capacity_cpu_core_hours: number | null;
  node_capacity_memory_gigabytes: number | null;
  node_capacity_memory_gigabyte_hours: number | null;
  cluster_capacity_cpu_core_hours: number | null;
  cluster_capacity_memory_gigabyte_hours: number | null;
  persistentvolumeclaim: string | null;
  persistentvolume: string | null;
  storageclass: string | null;
  volume_labels: string | null;
  all_labels: string | null;
  persistentvolumeclaim_capacity_gigabyte: number | null;
  persistentvolumeclaim_capacity_gigabyte_months: number | null;
  volume_request_storage_gigabyte_months: number | null;
  persistentvolumeclaim_usage_gigabyte_months: number | null;
  source_uuid: string;
  infrastructure_usage_cost: string | null;
  cost_category_id: number | null;
  /**
   * Storage rows' CSI volume handle (a grouping key, spec §3): a column of Koku's Hive copy of the table only,
   * so it is not in SUMMARY_COLUMNS and not written to PostgreSQL; null on Pod rows.
   */
  csi_volume_handle: string | null;
}

/** Column order of SummaryRow as written (and as in the sample fixtures' expected CSV files). */
export const SUMMARY_COLUMNS = [
  "report_period_id",
  "cluster_id",
  "cluster_alias",
  "data_source",
  "usage_start",
  "usage_end",
  "namespace",
  "node",
  "resource_id",
  "pod_labels",
  "pod_usage_cpu_core_hours",
  "pod_request_cpu_core_hours",
  "pod_effective_usage_cpu_core_hours",
  "pod_limit_cpu_core_hours",
  "pod_usage_memory_gigabyte_hours",
  "pod_request_memory_gigabyte_hours",
  "pod_effective_usage_memory_gigabyte_hours",
  "pod_limit_memory_gigabyte_hours",
  "node_capacity_cpu_cores",
  "node_capacity_cpu_core_hours",
  "node_capacity_memory_gigabytes",
  "node_capacity_memory_gigabyte_hours",
  "cluster_capacity_cpu_core_hours",
  "cluster_capacity_memory_gigabyte_hours",
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "volume_labels",
  "all_labels",
  "persistentvolumeclaim_capacity_gigabyte",
  "persistentvolumeclaim_capacity_gigabyte_months",
  "volume_request_storage_gigabyte_months",
  "persistentvolumeclaim_usage_gigabyte_months",
  "source_uuid",
  "infrastructure_usage_cost",
  "cost_category_id",
] as const satisfies readonly (keyof SummaryRow)[];

export type SummaryColumn = (typeof SUMMARY_COLUMNS)[number];

/** The usage and capacity measures of a summary row (core/GiB hours, cores, GiB, GiB months), in column order. */
export const SUMMARY_MEASURE_COLUMNS: readonly SummaryColumn[] = SUMMARY_COLUMNS.filter((c) =>
  /_(hours|cores|gigabytes?|months)$/.test(c),
);

/** The summary columns holding numbers (integers or doubles); the rest are text, dates and JSON text. */
export const NUMERIC_SUMMARY_COLUMNS: ReadonlySet<SummaryColumn> = new Set<SummaryColumn>([
  "report_period_id",
  "cost_category_id",
  ...SUMMARY_MEASURE_COLUMNS,
]);

/**
 * The pod usage measures of Koku's pod_usage files, in summary order (cpu: usage, request, limit; memory: the
 * same). The one list: the engine sums them, the generator writes and rolls them up, the planner reads them.
 */
export const POD_USAGE_MEASURES = [
  "pod_usage_cpu_core_seconds",
  "pod_request_cpu_core_seconds",
  "pod_limit_cpu_core_seconds",
  "pod_usage_memory_byte_seconds",
  "pod_request_memory_byte_seconds",
  "pod_limit_memory_byte_seconds",
] as const;

/** Columns of each report type the engine reads (spec §2.2), required ones first. */
export const POD_USAGE_COLUMNS = {
  required: [
    "interval_start",
    "namespace",
    "node",
    "pod",
    "resource_id",
    ...POD_USAGE_MEASURES,
    "node_capacity_cpu_cores",
    "node_capacity_cpu_core_seconds",
    "node_capacity_memory_bytes",
    "node_capacity_memory_byte_seconds",
    "pod_labels",
  ],
  optional: ["node_role"],
} as const;

export const STORAGE_USAGE_COLUMNS = {
  required: [
    "interval_start",
    "namespace",
    "pod",
    "persistentvolumeclaim",
    "persistentvolume",
    "storageclass",
    "persistentvolumeclaim_capacity_bytes",
    "persistentvolumeclaim_capacity_byte_seconds",
    "volume_request_storage_byte_seconds",
    "persistentvolumeclaim_usage_byte_seconds",
    "persistentvolume_labels",
    "persistentvolumeclaim_labels",
  ],
  optional: ["node", "csi_driver", "csi_volume_handle"],
} as const;

export const NODE_LABELS_COLUMNS = {
  required: ["interval_start", "node", "node_labels"],
  optional: [],
} as const;
export const NAMESPACE_LABELS_COLUMNS = {
  required: ["interval_start", "namespace", "namespace_labels"],
  optional: [],
} as const;

/** The implicit enabled key Koku prepends to the enabled-key list (spec §2.5). */
export const VM_LABEL_KEY = "vm_kubevirt_io_name";
