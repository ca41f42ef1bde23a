/**
 * `ocp-aggregator verify`: runs the engine and the independent DuckDB reference on the same input and
 * compares their rows (spec §10 tolerance: 1e-9 relative). Files from S3 are copied to a temporary
 * folder first, because the reference reads local files only.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InputFile, InputSource, ReferenceData, RunParams } from "../model.js";
import { type ReferenceFiles, runReference } from "../reference/duckdb-reference.js";
import { addReferenceFile } from "../reference/load-inputs.js";
import { runStepReference } from "../reference/steps-reference.js";
import { runVmReference, vmReferenceFiles } from "../reference/vm-reference.js";
import { aggregate, type RunMode } from "../run/aggregate.js";
import { computeGpuRows, computeInventory, computeVmTmpSource, vmStepRuns } from "../run/steps.js";
import { copyToLocal } from "../source/copy-to-local.js";
import { type CompareOptions, type ComparisonResult, compareRowSets } from "./compare.js";
import { compareSteps, type StepComparison } from "./compare-steps.js";
import { compareVmTmp, type VmComparison } from "./compare-vm.js";

export interface VerifyOptions {
  source: InputSource;
  run: RunParams;
  reference: ReferenceData;
  mode?: RunMode;
  /** Row groups decoded ahead in streaming mode, as `aggregate` is configured (performance.read_ahead_row_groups). */
  readAhead?: number;
  compare?: CompareOptions;
  /** Where S3 objects are copied for the reference (default: a new folder under the OS temp dir). */
  workDir?: string;
  log?: (message: string) => void;
}

export interface VerifyResult {
  comparison: ComparisonResult;
  files: number;
  inputRows: number;
  engineRows: number;
  referenceRows: number;
  seconds: { engine: number; reference: number; compare: number };
  /** Inventory tables and GPU rows, engine vs the DuckDB renderings of Koku's queries. */
  steps: StepComparison;
  /**
   * The VM step: the engine's Parquet half of Koku's VM temporary table vs Koku's query in DuckDB. The VM rows
   * themselves are PostgreSQL SQL over the written summary (`aggregate`); `referenceRows` is what the DuckDB
   * rendering of that SQL makes of the reference's summary.
   */
  vm: VmComparison & { tmpSource: "vm-report" | "pods" | "skipped"; referenceRows: number };
}

/** Local paths of the run's files per report type and granularity; remote ones are copied to `workDir`. */
async function localFiles(
  source: InputSource,
  files: InputFile[],
  workDir: () => Promise<string>,
): Promise<ReferenceFiles> {
  const out: ReferenceFiles = {
    pod_usage: { hourly: [], daily: [] },
    storage_usage: { hourly: [], daily: [] },
    node_labels: { hourly: [], daily: [] },
    namespace_labels: { hourly: [], daily: [] },
  };
  let copied = 0;
  for (const file of files) {
    let path = file.location;
    if (path.startsWith("s3://") || !existsSync(path)) {
      path = join(await workDir(), `${String(copied++).padStart(6, "0")}.parquet`);
      await copyToLocal(source, file, path);
    }
    addReferenceFile(out, file.reportType, file.granularity, path);
  }
  return out;
}

export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const { source, run, reference } = options;
  const log = options.log ?? (() => {});
  let createdDir: string | null = null;
  const workDir = async () => {
    if (options.workDir) return options.workDir;
    createdDir ??= await mkdtemp(join(tmpdir(), "ocp-verify-"));
    return createdDir;
  };
  try {
    let t = performance.now();
    log(`engine: aggregating ${source.describe()} (${options.mode ?? "streaming"})`);
    // The very path `aggregate` writes with (day windows included); only the rows are kept instead of copied.
    const engine = await aggregate({
      source,
      run,
      reference,
      mode: options.mode,
      readAhead: options.readAhead,
    });
    const engineSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const listed = await source.list({
      orgId: run.orgId,
      sourceUuid: run.sourceUuid,
      year: run.year,
      month: run.month,
    });
    const files = await localFiles(source, listed, workDir);
    log(`reference: running Koku's ${run.kokuSql} SQL in DuckDB on ${listed.length} files`);
    const referenceRows = await runReference({ files, run, reference });
    const referenceSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const comparison = compareRowSets(engine.rows, referenceRows, options.compare);
    const compareSeconds = (performance.now() - t) / 1000;

    log("inventory and GPU: engine and Koku's queries in DuckDB");
    const pick = (type: keyof ReferenceFiles, prefer: "hourly" | "daily") => {
      const lists = files[type];
      if (!lists) return [];
      const other = prefer === "daily" ? "hourly" : "daily";
      return lists[prefer].length > 0 ? lists[prefer] : lists[other];
    };
    const stepReference = await runStepReference({
      files: {
        pod_usage: pick("pod_usage", "daily"),
        node_labels: pick("node_labels", "daily"),
        storage_usage: pick("storage_usage", "daily"),
        gpu_usage: pick("gpu_usage", run.kokuSql === "onprem" ? "hourly" : "daily"),
      },
      startDate: run.startDate,
      endDate: run.endDate,
      flavor: run.kokuSql,
      costCategories: reference.costCategories,
    });
    const steps = compareSteps(
      await computeInventory(source, listed, run),
      await computeGpuRows(source, listed, run, reference),
      stepReference,
    );
    log("VM: the engine's temporary-table input and Koku's VM queries in DuckDB");
    const vmReference = await runVmReference({
      files: vmReferenceFiles(files),
      summary: referenceRows,
      sourceUuid: run.sourceUuid,
      startDate: run.startDate,
      endDate: run.endDate,
      flavor: run.kokuSql,
    });
    const vmEngine = vmStepRuns(listed) ? await computeVmTmpSource(source, listed) : null;
    const vm = {
      ...compareVmTmp(vmEngine, vmReference),
      tmpSource: vmReference.skipped ? ("skipped" as const) : vmReference.tmpSource,
      referenceRows: vmReference.rows.length,
    };
    return {
      steps,
      vm,
      comparison,
      files: listed.length,
      inputRows: engine.inputRows,
      engineRows: engine.rows.length,
      referenceRows: referenceRows.length,
      seconds: {
        engine: engineSeconds,
        reference: referenceSeconds,
        compare: compareSeconds,
      },
    };
  } finally {
    if (createdDir) await rm(createdDir, { recursive: true, force: true });
  }
}

/** The text `verify` prints: parity verdict, sizes and timings, then the comparison report. */
function stepsLine(steps: StepComparison): string {
  const c = steps.counts;
  const what = `${c.nodes} nodes, ${c.pvcs} PVCs, ${c.projects} projects, ${c.gpu} GPU rows`;
  return steps.equal
    ? `PARITY (inventory, GPU): engine and Koku's queries agree on ${what}`
    : `MISMATCH (inventory, GPU): ${what} from the engine; differences:`;
}

function vmLine(vm: VerifyResult["vm"]): string {
  if (vm.tmpSource === "skipped")
    return vm.equal
      ? "PARITY (VM): no pod or storage data, Koku skips the VM step and so does the engine"
      : "MISMATCH (VM): differences:";
  const what =
    vm.tmpSource === "vm-report"
      ? `${vm.rows} VM temporary-table rows from the vm_usage report`
      : `${vm.rows} (VM, claim) pairs of the pod fallback`;
  const rows = `Koku's reporting_ocp_vm_summary_p SQL gives ${vm.referenceRows} rows on the reference summary (the engine runs that SQL in PostgreSQL: aggregate)`;
  return vm.equal
    ? `PARITY (VM): engine and Koku's queries agree on ${what}; ${rows}`
    : `MISMATCH (VM): ${what} from the engine; ${rows}; differences:`;
}

export function formatVerifyReport(result: VerifyResult): string {
  const s = result.seconds;
  const verdict = result.comparison.equal
    ? `PARITY: engine and reference agree on all ${result.engineRows} rows`
    : "MISMATCH: engine and reference differ";
  return [
    verdict,
    `input: ${result.files} files, ${result.inputRows} rows; engine ${result.engineRows} rows in ${s.engine.toFixed(2)} s, ` +
      `reference ${result.referenceRows} rows in ${s.reference.toFixed(2)} s, compared in ${s.compare.toFixed(2)} s`,
    "(engine = actual, reference = expected)",
    result.comparison.report,
    stepsLine(result.steps),
    ...result.steps.differences,
    vmLine(result.vm),
    ...result.vm.differences,
  ].join("\n");
}
