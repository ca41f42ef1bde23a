/**
 * Column names, order and Parquet types of Koku's OCP files, hourly and daily, as its ingest writes
 * them (checked against the sample fixtures): every column OPTIONAL, timestamps INT64 micros without
 * time zone, text UTF8, measures DOUBLE.
 */

import { type Granularity, POD_USAGE_MEASURES, type ReportType } from "../model.js";
import type { SchemaElement } from "../parquet/hyparquet.js";

/** `nullable-double`: a measure that may be null (Koku's MIG numbers); the others are never null. */
export type ColumnKind = "timestamp" | "string" | "double" | "nullable-double";

export interface ColumnDef {
  name: string;
  kind: ColumnKind;
}

const ts = (name: string): ColumnDef => ({ name, kind: "timestamp" });
const str = (name: string): ColumnDef => ({ name, kind: "string" });
const dbl = (name: string): ColumnDef => ({ name, kind: "double" });

const PERIOD = [ts("report_period_start"), ts("report_period_end")];
const NODE_CAPACITY = [
  "node_capacity_cpu_cores",
  "node_capacity_cpu_core_seconds",
  "node_capacity_memory_bytes",
  "node_capacity_memory_byte_seconds",
];
const STORAGE_MEASURES = [
  "persistentvolumeclaim_capacity_bytes",
  "persistentvolumeclaim_capacity_byte_seconds",
  "volume_request_storage_byte_seconds",
  "persistentvolumeclaim_usage_byte_seconds",
];
const STORAGE_TEXT = [
  "persistentvolumeclaim",
  "persistentvolume",
  "storageclass",
  "csi_driver",
  "csi_volume_handle",
];

/** Options that add or drop optional columns. */
export interface SchemaOptions {
  nodeRoleColumn: boolean;
  /** Daily pod files only: write `pod_effective_usage_*`. */
  effectiveUsage: boolean;
}

export function columnsFor(type: ReportType, granularity: Granularity, options: SchemaOptions): ColumnDef[] {
  const hourly = granularity === "hourly";
  const intervals = hourly
    ? [...PERIOD, ts("interval_start"), ts("interval_end")]
    : [ts("interval_start"), ...PERIOD];
  switch (type) {
    case "pod_usage": {
      const role = options.nodeRoleColumn ? [str("node_role")] : [];
      if (hourly) {
        return [
          ...intervals,
          ...["pod", "namespace", "node", "resource_id"].map(str),
          ...POD_USAGE_MEASURES.map(dbl),
          ...NODE_CAPACITY.map(dbl),
          str("pod_labels"),
          ...role,
        ];
      }
      const cpu = options.effectiveUsage
        ? [
            "pod_usage_cpu_core_seconds",
            "pod_request_cpu_core_seconds",
            "pod_effective_usage_cpu_core_seconds",
          ]
        : ["pod_usage_cpu_core_seconds", "pod_request_cpu_core_seconds"];
      const mem = options.effectiveUsage
        ? [
            "pod_usage_memory_byte_seconds",
            "pod_request_memory_byte_seconds",
            "pod_effective_usage_memory_byte_seconds",
          ]
        : ["pod_usage_memory_byte_seconds", "pod_request_memory_byte_seconds"];
      return [
        ...["namespace", "node", "pod", "pod_labels"].map(str),
        ...intervals,
        str("resource_id"),
        ...[...cpu, "pod_limit_cpu_core_seconds", ...mem, "pod_limit_memory_byte_seconds"].map(dbl),
        ...NODE_CAPACITY.map(dbl),
        ...role,
      ];
    }
    case "storage_usage":
      if (hourly) {
        return [
          ...intervals,
          ...["namespace", "pod", "node", ...STORAGE_TEXT].map(str),
          ...STORAGE_MEASURES.map(dbl),
          str("persistentvolume_labels"),
          str("persistentvolumeclaim_labels"),
        ];
      }
      return [
        ...[
          "namespace",
          "node",
          "pod",
          ...STORAGE_TEXT,
          "persistentvolume_labels",
          "persistentvolumeclaim_labels",
        ].map(str),
        ...intervals,
        ...STORAGE_MEASURES.map(dbl),
      ];
    case "node_labels":
      return hourly
        ? [...intervals, str("node"), str("node_labels")]
        : [str("node"), str("node_labels"), ...intervals];
    case "namespace_labels":
      return hourly
        ? [...intervals, str("namespace"), str("namespace_labels")]
        : [str("namespace"), str("namespace_labels"), ...intervals];
  }
}

function elementFor(column: ColumnDef): SchemaElement {
  switch (column.kind) {
    case "timestamp":
      return {
        name: column.name,
        type: "INT64",
        repetition_type: "OPTIONAL",
        converted_type: "TIMESTAMP_MICROS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" },
      };
    case "string":
      return {
        name: column.name,
        type: "BYTE_ARRAY",
        repetition_type: "OPTIONAL",
        converted_type: "UTF8",
        logical_type: { type: "STRING" },
      };
    case "double":
    case "nullable-double":
      return { name: column.name, type: "DOUBLE", repetition_type: "OPTIONAL" };
  }
}

export function parquetSchema(columns: readonly ColumnDef[]): SchemaElement[] {
  return [
    { name: "schema", repetition_type: "REQUIRED", num_children: columns.length },
    ...columns.map(elementFor),
  ];
}
