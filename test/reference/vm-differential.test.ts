/**
 * The VM rows the engine writes (reporting_ocp_vm_summary_p in a real PostgreSQL, after `aggregate`) vs the
 * DuckDB rendering of Koku's VM queries (src/reference/vm-reference.ts) over the reference's own daily summary,
 * on the KubeVirt scenarios with and without a vm_usage report (one over three of Koku's 5-day chunks), both
 * renderings: a first run, then a re-run over
 * another range (crossing one of Koku's 5-day chunks), which replaces only the rows that start in that range.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GenerateResult as GeneratedDataset } from "../../src/generate/index.js";
import type { KokuSqlFlavor } from "../../src/model.js";
import { runReference } from "../../src/reference/duckdb-reference.js";
import { addReferenceFile, type ReferenceFiles } from "../../src/reference/load-inputs.js";
import {
  runVmReference,
  type VmSummaryReferenceRow,
  vmReferenceFiles,
} from "../../src/reference/vm-reference.js";
import { LocalSource } from "../../src/source/local.js";
import { compareVmRows, VM_NUMERIC_COLUMNS, type VmRowRecord } from "../../src/verify/compare-vm.js";
import { useStepDatabase } from "../integration/support/step-database.js";

const env = useStepDatabase("ref-vm-");

async function runFiles(generated: GeneratedDataset): Promise<ReferenceFiles> {
  const { run } = generated.params;
  const source = new LocalSource(generated.dir);
  try {
    const listed = await source.list({
      orgId: run.orgId,
      sourceUuid: run.sourceUuid,
      year: run.year,
      month: run.month,
    });
    const files: ReferenceFiles = {
      pod_usage: { hourly: [], daily: [] },
      storage_usage: { hourly: [], daily: [] },
      node_labels: { hourly: [], daily: [] },
      namespace_labels: { hourly: [], daily: [] },
    };
    for (const f of listed) addReferenceFile(files, f.reportType, f.granularity, f.location);
    return files;
  } finally {
    await source.close();
  }
}

/** What Koku's SQL makes of the run: the daily summary in DuckDB, then the VM statements over it. */
async function expectedRows(
  generated: GeneratedDataset,
  files: ReferenceFiles,
  kokuSql: KokuSqlFlavor,
  range: { startDate: string; endDate: string },
) {
  const run = { ...generated.params.run, ...range, kokuSql };
  const summary = await runReference({ files, run, reference: generated.params.reference });
  return runVmReference({
    files: vmReferenceFiles(files),
    summary,
    sourceUuid: run.sourceUuid,
    startDate: run.startDate,
    endDate: run.endDate,
    flavor: kokuSql,
  });
}

async function engineRows(schema: string): Promise<VmRowRecord[]> {
  const numeric = (c: string) => `${c}::float8 AS ${c}`;
  const result = await env.client.query(
    `SELECT usage_start::text, usage_end::text, cluster_id, cluster_alias, namespace, node, vm_name,
            persistentvolumeclaim, storageclass, pod_labels::text AS pod_labels, resource_ids::text[] AS resource_ids,
            ${VM_NUMERIC_COLUMNS.filter((c) => c !== "cost_category_id")
              .map(numeric)
              .join(", ")},
            cost_model_rate_type, raw_currency, cost_category_id, source_uuid::text
       FROM ${schema}.reporting_ocp_vm_summary_p`,
  );
  return result.rows as VmRowRecord[];
}

const SCENARIOS = [
  { scenario: "kubevirt-vms", tmpSource: "vm-report", withoutVmUsage: false },
  { scenario: "kubevirt-vms-pods-only", tmpSource: "pods", withoutVmUsage: false },
  // 12 days, three of Koku's chunks, VMs that stop and start; then the same cluster without its vm_usage files
  { scenario: "kubevirt-vms-chunks", tmpSource: "vm-report", withoutVmUsage: false },
  { scenario: "kubevirt-vms-chunks", tmpSource: "pods", withoutVmUsage: true },
] as const;
/** The re-run: from the second day, across the chunk boundary Koku's date_range_pair puts after 6 days. */
const RERUN = { startDate: "2025-10-02", endDate: "2025-10-09" };

describe("VM rows: engine (PostgreSQL) vs the DuckDB rendering of Koku's VM queries", () => {
  for (const { scenario, tmpSource, withoutVmUsage } of SCENARIOS) {
    for (const kokuSql of ["trino", "onprem"] as const) {
      const name = withoutVmUsage ? `${scenario} without vm_usage` : scenario;
      it(`${name} (${kokuSql}): first run, then a re-run over ${RERUN.startDate}..${RERUN.endDate}`, {
        timeout: 120_000,
      }, async () => {
        const folder = `${scenario}-${kokuSql}${withoutVmUsage ? "-no-vm" : ""}`;
        const generated = await env.generate(scenario, folder);
        if (withoutVmUsage) {
          for (const tree of ["data/parquet", "data/parquet/daily"]) {
            rmSync(join(generated.dir, tree, "org1234567/OCP/vm_usage"), { recursive: true, force: true });
          }
        }
        const files = await runFiles(generated);
        const schema = `vm_${folder.replaceAll("-", "_")}`;
        const config = env.config(generated, { schema, kokuSql });
        await env.run(config);
        const { run } = generated.params;
        const first = await expectedRows(generated, files, kokuSql, run);
        expect(first.tmpSource).toBe(tmpSource);
        expect(first.rows.length).toBeGreaterThan(0);
        const afterFirst = await engineRows(schema);
        const comparison = compareVmRows(afterFirst, first.rows as unknown as VmRowRecord[]);
        expect(comparison.differences, "first run").toEqual([]);

        // The comparison sees a difference: one changed usage figure is reported.
        const changed = [
          { ...afterFirst[0], persistentvolumeclaim_usage_gigabyte_months: 1e6 },
          ...afterFirst.slice(1),
        ];
        expect(compareVmRows(changed, first.rows as unknown as VmRowRecord[]).differences).toHaveLength(1);

        // Re-run over another range: Koku deletes the rows that start in the range (chunk by chunk) and inserts
        // the new range's rows; rows of the first run that start before it stay.
        config.run.startDate = RERUN.startDate;
        config.run.endDate = RERUN.endDate;
        await env.run(config);
        const second = await expectedRows(generated, files, kokuSql, RERUN);
        const kept = first.rows.filter(
          (r) => r.usage_start < RERUN.startDate || r.usage_start > RERUN.endDate,
        );
        const expected: VmSummaryReferenceRow[] = [...kept, ...second.rows];
        expect(kept.length).toBeGreaterThan(0);
        expect(second.rows.length).toBeGreaterThan(0);
        const again = compareVmRows(await engineRows(schema), expected as unknown as VmRowRecord[]);
        expect(again.differences, "re-run").toEqual([]);
      });
    }
  }
});
