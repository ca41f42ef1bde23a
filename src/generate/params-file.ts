/**
 * `params.json` at a dataset's root: the run parameters and the reference data a run needs besides
 * Parquet (the sample fixtures' format). Tests and the CLI load generated datasets and the fixtures
 * the same way, through `loadDatasetParams`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ReferenceData, ReportType, RunParams } from "../model.js";
import type { RowCounts } from "./dataset-writer.js";
import type { DatasetSpec } from "./spec.js";

export const PARAMS_FILE_NAME = "params.json";

const countsSchema = z.object({ hourly: z.number().int(), daily: z.number().int() });

export const paramsFileSchema = z.object({
  org_id: z.string().nullable(),
  source_uuid: z.string(),
  year: z.number().int(),
  month: z.number().int().min(1).max(12),
  start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  end_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  cluster_id: z.string().nullable(),
  cluster_alias: z.string().nullable(),
  report_period_id: z.number().int().nullable(),
  enabled_tag_keys: z.array(z.string()),
  cost_categories: z.array(z.object({ namespace: z.string(), cost_category_id: z.number().int() })),
  node_roles: z
    .array(
      z.object({ node: z.string(), resource_id: z.string().nullable(), node_role: z.string().nullable() }),
    )
    .nullable(),
  counts: z
    .object({
      namespace_labels: countsSchema,
      node_labels: countsSchema,
      pod_usage: countsSchema,
      storage_usage: countsSchema,
    })
    .optional(),
});

export type ParamsFile = z.infer<typeof paramsFileSchema>;

export interface DatasetParams {
  run: RunParams;
  reference: ReferenceData;
  /** Rows per report type and granularity, when the file lists them. */
  counts: Record<ReportType, { hourly: number; daily: number }> | null;
}

export function paramsFileFor(spec: DatasetSpec, sourceUuid: string, counts: RowCounts): ParamsFile {
  return {
    org_id: spec.orgId,
    source_uuid: sourceUuid,
    year: spec.year,
    month: spec.month,
    start_date: spec.startDate,
    end_date: spec.endDate,
    cluster_id: spec.clusterId,
    cluster_alias: spec.clusterAlias,
    report_period_id: spec.reportPeriodId,
    enabled_tag_keys: [...spec.enabledTagKeys],
    cost_categories: spec.costCategories.map((c) => ({
      namespace: c.namespace,
      cost_category_id: c.cost_category_id,
    })),
    // A node without a role is absent from Koku's node table (its unallocated row gets a null namespace).
    node_roles: spec.nodeRolesTable
      ? spec.nodes
          .filter((n) => n.role !== null)
          .map((n) => ({ node: n.name, resource_id: n.resourceId, node_role: n.role }))
      : null,
    counts: {
      namespace_labels: { ...counts.namespace_labels },
      node_labels: { ...counts.node_labels },
      pod_usage: { ...counts.pod_usage },
      storage_usage: { ...counts.storage_usage },
    },
  };
}

/** Writes params.json as the fixtures have it: two-space indent, no trailing newline. */
export function writeParamsFile(dir: string, params: ParamsFile): string {
  const path = join(dir, PARAMS_FILE_NAME);
  writeFileSync(path, JSON.stringify(params, null, 2));
  return path;
}

export function readParamsFile(dir: string): ParamsFile {
  const path = join(dir, PARAMS_FILE_NAME);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = paramsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${path}: ${issues}`);
  }
  return parsed.data;
}

export function datasetParamsFrom(file: ParamsFile): DatasetParams {
  return {
    run: {
      sourceUuid: file.source_uuid,
      year: file.year,
      month: file.month,
      startDate: file.start_date,
      endDate: file.end_date,
      clusterId: file.cluster_id,
      clusterAlias: file.cluster_alias,
      reportPeriodId: file.report_period_id,
      orgId: file.org_id,
      kokuSql: "trino",
    },
    reference: {
      enabledTagKeys: [...file.enabled_tag_keys],
      costCategories: file.cost_categories.map((c) => ({ ...c })),
      nodeRoles: file.node_roles === null ? null : file.node_roles.map((n) => ({ ...n })),
    },
    counts: file.counts ?? null,
  };
}

/** Loads a dataset directory's params.json (a generated dataset or a sample fixture). */
export function loadDatasetParams(dir: string): DatasetParams {
  return datasetParamsFrom(readParamsFile(dir));
}
