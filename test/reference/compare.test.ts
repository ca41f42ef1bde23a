import { describe, expect, it } from "vitest";
import type { SummaryRow } from "../../src/model.js";
import { compareRowSets } from "../../src/verify/compare.js";

function podRow(overrides: Partial<SummaryRow> = {}): SummaryRow {
  return {
    report_period_id: 1,
    cluster_id: "c",
    cluster_alias: "C",
    data_source: "Pod",
    usage_start: "2025-11-01",
    usage_end: "2025-11-01",
    namespace: "ns1",
    node: "n1",
    resource_id: "i-1",
    pod_labels: '{"app":"web","env":"prod"}',
    pod_usage_cpu_core_hours: 3.5,
    pod_request_cpu_core_hours: 3,
    pod_effective_usage_cpu_core_hours: 4,
    pod_limit_cpu_core_hours: 6,
    pod_usage_memory_gigabyte_hours: 3,
    pod_request_memory_gigabyte_hours: 6,
    pod_effective_usage_memory_gigabyte_hours: 6,
    pod_limit_memory_gigabyte_hours: 12,
    node_capacity_cpu_cores: 4,
    node_capacity_cpu_core_hours: 8,
    node_capacity_memory_gigabytes: 16,
    node_capacity_memory_gigabyte_hours: 32,
    cluster_capacity_cpu_core_hours: 10,
    cluster_capacity_memory_gigabyte_hours: 40,
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    volume_labels: null,
    all_labels: '{"app":"web","env":"prod"}',
    persistentvolumeclaim_capacity_gigabyte: null,
    persistentvolumeclaim_capacity_gigabyte_months: null,
    volume_request_storage_gigabyte_months: null,
    persistentvolumeclaim_usage_gigabyte_months: null,
    source_uuid: "u",
    infrastructure_usage_cost: '{"cpu": 0.000000000, "memory": 0.000000000, "storage": 0.000000000}',
    cost_category_id: null,
    csi_volume_handle: null,
    ...overrides,
  };
}

describe("compareRowSets", () => {
  it("treats JSON key order, number formatting and tiny relative errors as equal", () => {
    const expected = [podRow(), podRow({ namespace: "ns2", pod_usage_cpu_core_hours: 0 })];
    const actual = [
      podRow({
        namespace: "ns2",
        pod_usage_cpu_core_hours: 0,
        infrastructure_usage_cost: '{"storage":0,"memory":0.0,"cpu":0}',
      }),
      podRow({ pod_labels: '{"env":"prod","app":"web"}', pod_usage_cpu_core_hours: 3.5 * (1 + 1e-12) }),
    ];
    const result = compareRowSets(actual, expected);
    expect(result.report).toContain("row sets are equal");
    expect(result.equal).toBe(true);
  });

  it("treats NaN as equal to NaN but not to a number or null", () => {
    expect(
      compareRowSets(
        [podRow({ pod_limit_cpu_core_hours: Number.NaN })],
        [podRow({ pod_limit_cpu_core_hours: Number.NaN })],
      ).equal,
    ).toBe(true);
    expect(compareRowSets([podRow({ pod_limit_cpu_core_hours: Number.NaN })], [podRow()]).equal).toBe(false);
    expect(compareRowSets([podRow({ pod_limit_cpu_core_hours: null })], [podRow()]).equal).toBe(false);
  });

  it("uses multiset semantics: a repeated row must repeat", () => {
    const result = compareRowSets([podRow()], [podRow(), podRow()]);
    expect(result.equal).toBe(false);
    expect(result.onlyExpected).toHaveLength(1);
    expect(result.diffs).toHaveLength(0);
    expect(compareRowSets([podRow(), podRow()], [podRow(), podRow()]).equal).toBe(true);
  });

  it("pairs rows by text columns then closest numbers and reports only differing columns", () => {
    const expected = [
      podRow({ pod_usage_cpu_core_hours: 1, pod_request_cpu_core_hours: 10 }),
      podRow({ pod_usage_cpu_core_hours: 2, pod_request_cpu_core_hours: 20 }),
    ];
    const actual = [
      podRow({ pod_usage_cpu_core_hours: 2, pod_request_cpu_core_hours: 20 }),
      podRow({ pod_usage_cpu_core_hours: 1, pod_request_cpu_core_hours: 11 }),
    ];
    const result = compareRowSets(actual, expected);
    expect(result.equal).toBe(false);
    expect(result.diffs).toHaveLength(1);
    expect(result.diffs[0].columns).toEqual(["pod_request_cpu_core_hours"]);
    expect(result.report).toContain("pod_request_cpu_core_hours: actual 11, expected 10");
    expect(result.report).not.toContain("pod_usage_cpu_core_hours:");
  });

  it("pairs rows whose labels differ as one diff instead of two unmatched rows", () => {
    const result = compareRowSets(
      [podRow({ pod_labels: '{"app":"web"}', all_labels: '{"app":"web"}' }), podRow({ node: "n2" })],
      [podRow(), podRow({ node: "n2" })],
    );
    expect(result.diffs).toHaveLength(1);
    expect(result.diffs[0].columns).toEqual(["pod_labels", "all_labels"]);
    expect(result.onlyActual).toHaveLength(0);
    expect(result.onlyExpected).toHaveLength(0);
  });

  it("lists rows without any similar partner as only-actual / only-expected", () => {
    const storage = podRow({
      data_source: "Storage",
      pod_labels: null,
      pod_usage_cpu_core_hours: null,
      persistentvolumeclaim: "pvc",
      persistentvolume: "pv",
      volume_labels: "{}",
    });
    const result = compareRowSets([podRow()], [storage]);
    expect(result.onlyActual).toHaveLength(1);
    expect(result.onlyExpected).toHaveLength(1);
    expect(result.report).toMatch(/only in actual 1, only in expected 1/);
    expect(result.report).toContain('persistentvolumeclaim="pvc"');
  });

  it("accepts numbers given as numeric text (as read back from PostgreSQL)", () => {
    const fromDb = { ...podRow(), pod_usage_cpu_core_hours: "3.500000000000000" };
    expect(compareRowSets([fromDb], [podRow()]).equal).toBe(true);
  });

  it("compares tiny storage values relatively: a 1 % (or 100×) error below 1e-9 is a difference", () => {
    // Gigabyte-months of a small claim: values far below 1e-9, where an absolute floor would accept anything.
    const storage = (months: number) =>
      podRow({
        data_source: "Storage",
        pod_labels: null,
        pod_usage_cpu_core_hours: null,
        persistentvolumeclaim: "pvc",
        persistentvolume: "pv",
        volume_labels: "{}",
        persistentvolumeclaim_usage_gigabyte_months: months,
      });
    const expected = [storage(3.1e-11)];
    expect(compareRowSets([storage(3.1e-11 * (1 + 1e-12))], expected).equal).toBe(true);
    const onePercentOff = compareRowSets([storage(3.1e-11 * 1.01)], expected);
    expect(onePercentOff.equal).toBe(false);
    expect(onePercentOff.diffs[0].columns).toEqual(["persistentvolumeclaim_usage_gigabyte_months"]);
    expect(compareRowSets([storage(3.1e-9)], expected).equal).toBe(false);
    // Zero against a tiny value is a difference too, unless a caller asks for an absolute floor.
    expect(compareRowSets([storage(0)], expected).equal).toBe(false);
    expect(compareRowSets([storage(0)], expected, { absTol: 1e-10 }).equal).toBe(true);
  });

  it("honours custom tolerances", () => {
    const a = [podRow({ pod_usage_cpu_core_hours: 3.5000001 })];
    expect(compareRowSets(a, [podRow()]).equal).toBe(false);
    expect(compareRowSets(a, [podRow()], { relTol: 1e-6 }).equal).toBe(true);
  });
});
