/** The back-populate's zeroed columns come from the summary's column list; pinned here to Koku's statement. */
import { describe, expect, it } from "vitest";
import { BACK_POPULATE_ZERO_COLUMNS } from "../../src/aws/sink/back-populate.js";

describe("back-populate columns", () => {
  it("zeroes the usage and capacity columns Koku's reporting_ocpaws_ocp_infrastructure_back_populate.sql sets to 0", () => {
    expect(BACK_POPULATE_ZERO_COLUMNS).toEqual([
      "pod_usage_cpu_core_hours",
      "pod_request_cpu_core_hours",
      "pod_limit_cpu_core_hours",
      "pod_usage_memory_gigabyte_hours",
      "pod_request_memory_gigabyte_hours",
      "pod_limit_memory_gigabyte_hours",
      "node_capacity_cpu_cores",
      "node_capacity_cpu_core_hours",
      "node_capacity_memory_gigabytes",
      "node_capacity_memory_gigabyte_hours",
      "cluster_capacity_cpu_core_hours",
      "cluster_capacity_memory_gigabyte_hours",
      "persistentvolumeclaim_capacity_gigabyte",
      "persistentvolumeclaim_capacity_gigabyte_months",
      "volume_request_storage_gigabyte_months",
      "persistentvolumeclaim_usage_gigabyte_months",
    ]);
  });
});
