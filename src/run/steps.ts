/**
 * Koku's OCP summary step beyond the daily summary, for one run (ocp-inventory-gpu-vm.md §0):
 * the Parquet is read and computed before the transaction; the writes then happen inside the run's one
 * transaction in Koku's order — inventory, then the summary (which reads the node roles just written),
 * then GPU and VM rows.
 */
import type pg from "pg";
import { GPU_USAGE_READ, GpuSummaryAccumulator, type GpuSummaryRow } from "../engine/gpu-summary.js";
import { Interner } from "../engine/interner.js";
import { type Inventory, InventoryAccumulator } from "../engine/inventory.js";
import { VmPodClaimsAccumulator, VmReportAccumulator } from "../engine/vm-inputs.js";
import type { InputFile, InputSource, ReferenceData, RunParams, RunStep } from "../model.js";
import { writeGpuSummaryRows } from "../sink/gpu-summary-table.js";
import { type InventoryWriteCounts, writeInventory } from "../sink/inventory-tables.js";
import type { RunTransactionSteps } from "../sink/postgres-writer.js";
import { readReferenceData } from "../sink/reference-tables.js";
import { type VmTmpSource, writeVmSummary } from "../sink/vm-summary-table.js";
import { columnRequests, filesOf, scanFiles } from "./scan.js";

/** Rows written per table, as the run report lists them. */
export interface StepTableCounts {
  reporting_ocp_clusters?: InventoryWriteCounts["clusters"];
  reporting_ocp_nodes?: InventoryWriteCounts["nodes"];
  reporting_ocp_pvcs?: InventoryWriteCounts["pvcs"];
  reporting_ocp_projects?: InventoryWriteCounts["projects"];
  reporting_ocp_gpu_summary_p?: { deleted: number; inserted: number };
  reporting_ocp_vm_summary_p?: { deleted: number; inserted: number };
  /** The Parquet copy of the summary (`--summary-parquet`): day partitions replaced, files and rows written. */
  summary_parquet?: { days: number; files: number; rows: number };
}

export interface PreparedSteps {
  transaction: RunTransactionSteps;
  /** Reference data for the summary: after the inventory step, node roles as reporting_ocp_nodes now has them. */
  summaryReference(): ReferenceData;
  tables: StepTableCounts;
  /** Steps asked for but not done, with the reason (e.g. no cluster id for the inventory). */
  skipped: { step: RunStep; reason: string }[];
}

export interface PrepareStepsOptions {
  source: InputSource;
  run: RunParams;
  steps: readonly RunStep[];
  reference: ReferenceData;
  /**
   * True when the node roles were given in the config (`reference.node_roles`): they stand for the content of
   * reporting_ocp_nodes at summary time and are kept; otherwise the summary reads the table as the inventory
   * step left it, as Koku does.
   */
  nodeRolesFromConfig: boolean;
  schema: string;
  /** The run's files when the caller listed them already. */
  files?: readonly InputFile[];
}

export async function prepareRunSteps(options: PrepareStepsOptions): Promise<PreparedSteps> {
  const { run, steps, schema } = options;
  const skipped: PreparedSteps["skipped"] = [];
  const tables: StepTableCounts = {};
  const files =
    options.files ??
    (await options.source.list({
      orgId: run.orgId,
      sourceUuid: run.sourceUuid,
      year: run.year,
      month: run.month,
    }));

  let inventory: Inventory | null = null;
  if (steps.includes("inventory")) {
    if (run.clusterId === null) {
      skipped.push({
        step: "inventory",
        reason: "no cluster id (--cluster-id): Koku keys the inventory on it",
      });
    } else {
      inventory = await computeInventory(options.source, files, run);
    }
  }

  let gpuRows: GpuSummaryRow[] | null = null;
  if (steps.includes("gpu")) {
    const gpuFiles = files.filter((f) => f.reportType === "gpu_usage");
    // Koku's usage-only query needs the source's cluster id; its UI loop still clears the range.
    if (run.clusterId === null) {
      if (gpuFiles.length > 0)
        skipped.push({ step: "gpu", reason: "no cluster id (--cluster-id): GPU rows need it" });
      gpuRows = [];
    } else {
      gpuRows = await computeGpuRows(options.source, files, run, options.reference);
    }
  }

  let vmSource: VmTmpSource | null = null;
  if (steps.includes("vm")) {
    if (!vmStepRuns(files)) {
      skipped.push({
        step: "vm",
        reason: "no pod_usage or storage_usage files (Koku skips the VM step then)",
      });
    } else {
      vmSource = await computeVmTmpSource(options.source, files);
    }
  }

  let summaryReference = options.reference;
  const transaction: RunTransactionSteps = {
    beforeSummary: async (client: pg.Client) => {
      if (inventory === null || run.clusterId === null) return;
      const counts = await writeInventory(
        client,
        { schema, sourceUuid: run.sourceUuid, clusterId: run.clusterId, clusterAlias: run.clusterAlias },
        inventory,
      );
      tables.reporting_ocp_clusters = counts.clusters;
      tables.reporting_ocp_nodes = counts.nodes;
      tables.reporting_ocp_pvcs = counts.pvcs;
      tables.reporting_ocp_projects = counts.projects;
      // Koku's summary reads the roles from reporting_ocp_nodes, which now holds this run's nodes too.
      if (options.nodeRolesFromConfig) return;
      const roles = await readReferenceData(client, schema);
      if (roles.found.nodeRoles && roles.nodeRoles) {
        summaryReference = { ...summaryReference, nodeRoles: roles.nodeRoles };
      }
    },
  };
  transaction.afterSummary = async (client: pg.Client) => {
    if (gpuRows !== null) {
      tables.reporting_ocp_gpu_summary_p = await writeGpuSummaryRows(
        client,
        { schema, sourceUuid: run.sourceUuid, startDate: run.startDate, endDate: run.endDate },
        gpuRows,
      );
    }
    if (vmSource !== null) {
      tables.reporting_ocp_vm_summary_p = await writeVmSummary(
        client,
        { schema, sourceUuid: run.sourceUuid, startDate: run.startDate, endDate: run.endDate },
        vmSource,
      );
    }
  };
  return { transaction, summaryReference: () => summaryReference, tables, skipped };
}

/**
 * GPU usage rows: trino reads the daily GPU table, onprem the hourly line items (each falls back to the other
 * tree when its own has no files).
 */
export async function computeGpuRows(
  source: InputSource,
  files: readonly InputFile[],
  run: RunParams,
  reference: ReferenceData,
): Promise<GpuSummaryRow[]> {
  const interner = new Interner();
  const acc = new GpuSummaryAccumulator(interner, run, reference.costCategories);
  const kind = (name: string) =>
    name === "interval_start" ? "timestamp" : GPU_USAGE_READ.numeric.has(name) ? "double" : "string";
  await scanFiles(
    source,
    filesOf(files, "gpu_usage", run.kokuSql === "onprem" ? "hourly" : "daily"),
    columnRequests(GPU_USAGE_READ.required, GPU_USAGE_READ.optional, kind),
    interner,
    (batch) => acc.add(batch),
  );
  return acc.finish();
}

/** Koku skips the VM step (no delete either) when the source has no daily pod or storage data. */
export function vmStepRuns(files: readonly InputFile[]): boolean {
  const has = (type: string) => files.some((f) => f.reportType === type);
  return has("pod_usage") && has("storage_usage");
}

/**
 * The Parquet half of Koku's VM temporary table: from the vm_usage report when the source has one (hourly
 * rows), otherwise the (claim, VM) pairs of the daily pod and storage rows (the pod fallback).
 */
export async function computeVmTmpSource(
  source: InputSource,
  files: readonly InputFile[],
): Promise<VmTmpSource> {
  const interner = new Interner();
  const kind = (name: string) =>
    name === "interval_start"
      ? "timestamp"
      : name === "vm_cpu_request_cores" || name === "vm_memory_request_bytes"
        ? "double"
        : "string";
  if (files.some((f) => f.reportType === "vm_usage")) {
    const acc = new VmReportAccumulator(interner);
    await scanFiles(
      source,
      filesOf(files, "vm_usage", "hourly"),
      columnRequests(
        ["interval_start", "vm_name", "node", "vm_cpu_request_cores", "vm_memory_request_bytes"],
        ["vm_persistentvolumeclaim_name"],
        kind,
      ),
      interner,
      (batch) => acc.add(batch),
    );
    return { kind: "vm-report", rows: acc.finish() };
  }
  const acc = new VmPodClaimsAccumulator(interner);
  await scanFiles(
    source,
    filesOf(files, "storage_usage", "daily"),
    columnRequests(["pod", "persistentvolumeclaim"], [], kind),
    interner,
    (batch) => acc.addStorage(batch),
  );
  await scanFiles(
    source,
    filesOf(files, "pod_usage", "daily"),
    columnRequests(["pod", "pod_labels"], [], kind),
    interner,
    (batch) => acc.addPods(batch),
  );
  return { kind: "pods", claims: acc.finish() };
}

/** Koku's three inventory queries over the daily trees (hourly when a type has no daily files). */
export async function computeInventory(
  source: InputSource,
  files: readonly InputFile[],
  run: RunParams,
): Promise<Inventory> {
  const interner = new Interner();
  const acc = new InventoryAccumulator(interner, run.startDate, run.endDate, run.kokuSql);
  const kind = (name: string) =>
    name === "interval_start" ? "timestamp" : name === "node_capacity_cpu_cores" ? "double" : "string";
  await scanFiles(
    source,
    filesOf(files, "node_labels", "daily"),
    columnRequests(["interval_start", "node", "node_labels"], [], kind),
    interner,
    (batch) => acc.addNodeLabels(batch),
  );
  await scanFiles(
    source,
    filesOf(files, "pod_usage", "daily"),
    columnRequests(
      ["interval_start", "namespace", "node", "resource_id", "node_capacity_cpu_cores"],
      ["node_role"],
      kind,
    ),
    interner,
    (batch) => acc.addPods(batch),
  );
  await scanFiles(
    source,
    filesOf(files, "storage_usage", "daily"),
    columnRequests(
      ["interval_start", "persistentvolume", "persistentvolumeclaim"],
      ["csi_volume_handle"],
      kind,
    ),
    interner,
    (batch) => acc.addStorage(batch),
  );
  return acc.finish();
}
