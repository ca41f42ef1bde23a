/**
 * The Parquet copy's columns are derived from the summary columns the sink writes (SUMMARY_COLUMNS typed by
 * SUMMARY_TABLE_COLUMNS); this pins the result to Koku's Hive table as its Trino statement declares it
 * (trino_sql/openshift/reporting_ocpusagelineitem_daily_summary.sql:6-48, koku 768be825), partition columns
 * (source, year, month, day) left out as they live in the path.
 */
import { describe, expect, it } from "vitest";
import { SUMMARY_PARQUET_COLUMNS } from "../../src/sink/summary-parquet-columns.js";

const KOKU_HIVE_TABLE = `
    uuid varchar, report_period_id int, cluster_id varchar, cluster_alias varchar, data_source varchar,
    usage_start date, usage_end date, namespace varchar, node varchar, resource_id varchar, pod_labels varchar,
    pod_usage_cpu_core_hours double, pod_request_cpu_core_hours double, pod_effective_usage_cpu_core_hours double,
    pod_limit_cpu_core_hours double, pod_usage_memory_gigabyte_hours double,
    pod_request_memory_gigabyte_hours double, pod_effective_usage_memory_gigabyte_hours double,
    pod_limit_memory_gigabyte_hours double, node_capacity_cpu_cores double, node_capacity_cpu_core_hours double,
    node_capacity_memory_gigabytes double, node_capacity_memory_gigabyte_hours double,
    cluster_capacity_cpu_core_hours double, cluster_capacity_memory_gigabyte_hours double,
    persistentvolumeclaim varchar, persistentvolume varchar, storageclass varchar, volume_labels varchar,
    persistentvolumeclaim_capacity_gigabyte double, persistentvolumeclaim_capacity_gigabyte_months double,
    volume_request_storage_gigabyte_months double, persistentvolumeclaim_usage_gigabyte_months double,
    source_uuid varchar, infrastructure_usage_cost varchar, csi_volume_handle varchar, cost_category_id int`;

describe("the Parquet copy's columns", () => {
  it("are Koku's Hive table columns with their types, in order", () => {
    const koku = KOKU_HIVE_TABLE.split(",").map((c) => {
      const [name, kind] = c.trim().split(/\s+/);
      return { name, kind };
    });
    expect(SUMMARY_PARQUET_COLUMNS).toEqual(koku);
  });
});
