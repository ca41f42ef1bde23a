/** Test helper: the sample fixtures' file lists and run parameters, read from their layout and params.json. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type KokuSqlFlavor, REPORT_TYPES, type ReferenceData, type RunParams } from "../../src/model.js";
import type { ReferenceFiles } from "../../src/reference/duckdb-reference.js";

export const SAMPLES_DIR = join(import.meta.dirname, "../fixtures/koku-samples");
export const SAMPLE_NAMES = ["sample-basic", "sample-random"] as const;

interface SampleParams {
  org_id: string;
  source_uuid: string;
  year: number;
  month: number;
  start_date: string;
  end_date: string;
  cluster_id: string | null;
  cluster_alias: string | null;
  report_period_id: number | null;
  enabled_tag_keys: string[];
  cost_categories: { namespace: string; cost_category_id: number }[];
  node_roles: { node: string; resource_id: string | null; node_role: string | null }[] | null;
}

/** Parquet files below `dir`, also inside an optional `day=<dd>/` level, sorted. */
function parquetFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name.startsWith("day=")) out.push(...parquetFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".parquet")) out.push(path);
  }
  return out.sort();
}

/** Files of one source/month in a Koku-layout `data/parquet` root (spec §2.1). */
export function listRunFiles(
  parquetRoot: string,
  q: { orgId: string; sourceUuid: string; year: number; month: number },
): ReferenceFiles {
  const mm = String(q.month).padStart(2, "0");
  const tail = (type: string) =>
    join(q.orgId, "OCP", type, `source=${q.sourceUuid}`, `year=${q.year}`, `month=${mm}`);
  const files = {} as ReferenceFiles;
  for (const type of REPORT_TYPES) {
    files[type] = {
      hourly: parquetFilesUnder(join(parquetRoot, tail(type))),
      daily: parquetFilesUnder(join(parquetRoot, "daily", tail(type))),
    };
  }
  return files;
}

export function loadSample(name: string, kokuSql: KokuSqlFlavor) {
  const dir = join(SAMPLES_DIR, name);
  const p = JSON.parse(readFileSync(join(dir, "params.json"), "utf8")) as SampleParams;
  const run: RunParams = {
    sourceUuid: p.source_uuid,
    year: p.year,
    month: p.month,
    startDate: p.start_date,
    endDate: p.end_date,
    clusterId: p.cluster_id,
    clusterAlias: p.cluster_alias,
    reportPeriodId: p.report_period_id,
    orgId: p.org_id,
    kokuSql,
  };
  const reference: ReferenceData = {
    enabledTagKeys: p.enabled_tag_keys,
    costCategories: p.cost_categories,
    nodeRoles: p.node_roles,
  };
  const files = listRunFiles(join(dir, "data/parquet"), {
    orgId: p.org_id,
    sourceUuid: p.source_uuid,
    year: p.year,
    month: p.month,
  });
  const expectedCsv = join(dir, kokuSql === "trino" ? "expected.csv" : "expected-onprem.csv");
  return { run, reference, files, expectedCsv };
}
