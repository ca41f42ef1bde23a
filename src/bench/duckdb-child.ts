/**
 * Child process of `bench`: runs the independent DuckDB reference (Koku's summary SQL) on a dataset's
 * files and prints `{ outputRows, seconds, peakRssMb, duckdbVersion }` as JSON. It writes no rows anywhere,
 * so its time is the computation alone (reading Parquet, the SQL, and materialising the result rows).
 *
 *   node dist/bench/duckdb-child.js <dataset dir>
 */
import { version } from "@duckdb/node-api";
import { loadDatasetParams } from "../generate/params-file.js";
import type { InputFile } from "../model.js";
import { type ReferenceFiles, runReference } from "../reference/duckdb-reference.js";
import { addReferenceFile } from "../reference/load-inputs.js";
import { LocalSource } from "../source/local.js";

export interface DuckdbChildResult {
  outputRows: number;
  seconds: number;
  peakRssMb: number;
  duckdbVersion: string;
}

function byReportType(files: InputFile[]): ReferenceFiles {
  const grouped: ReferenceFiles = {
    pod_usage: { hourly: [], daily: [] },
    storage_usage: { hourly: [], daily: [] },
    node_labels: { hourly: [], daily: [] },
    namespace_labels: { hourly: [], daily: [] },
  };
  for (const file of files) addReferenceFile(grouped, file.reportType, file.granularity, file.location);
  return grouped;
}

async function main(dir: string): Promise<DuckdbChildResult> {
  const started = performance.now();
  const { run, reference } = loadDatasetParams(dir);
  const source = new LocalSource(dir);
  const listed = await source.list({
    orgId: run.orgId,
    sourceUuid: run.sourceUuid,
    year: run.year,
    month: run.month,
  });
  await source.close();
  const rows = await runReference({ files: byReportType(listed), run, reference });
  return {
    outputRows: rows.length,
    seconds: (performance.now() - started) / 1000,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    duckdbVersion: version(),
  };
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: duckdb-child.js <dataset dir>\n");
  process.exit(2);
}
main(dir).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(
      `duckdb reference failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
