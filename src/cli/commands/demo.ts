/**
 * `ocp-aggregator demo`: generates a small, realistic month (a few nodes, namespaces, pods with labels,
 * volumes; deterministic), aggregates it into the embedded PostgreSQL and prints what it wrote.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { generateDataset } from "../../generate/index.js";
import { openDatabase } from "../../run/database.js";
import { datasetOverrides } from "../../run/dataset-config.js";
import { runAggregateJob } from "../../run/job.js";
import { quoteIdent } from "../../sink/sql.js";
import { formatRunReport } from "../report.js";
import { commandContext, defined, runCommand } from "../run-context.js";
import { whereTheRowsAre } from "../where-rows.js";

interface DemoOptions {
  dataDir?: string;
  databaseUrl?: string;
  keep?: boolean;
  config?: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("generate a small realistic month, aggregate it into the embedded PostgreSQL, show the rows")
    .option("--data-dir <dir>", "data directory of the embedded PostgreSQL")
    .option("--database-url <url>", "write to this PostgreSQL instead of the embedded one")
    .option("--config <file.yaml>", "YAML config file")
    .option("--keep", "keep the generated Parquet (its folder is printed)")
    .action((options: DemoOptions) =>
      runCommand(async () => {
        const out = mkdtempSync(join(tmpdir(), "ocp-aggregator-demo-"));
        try {
          const dataset = await generateDataset({
            out,
            size: { nodes: 4, podsPerNode: 6, days: 30 },
            startDate: "2025-11-01",
            seed: 7,
            overwrite: true,
          });
          const { run } = dataset.params;
          const overrides = datasetOverrides(dataset.params, dataset.dir);
          const { config, logger } = commandContext(
            options.config,
            defined({
              ...overrides,
              database: { url: options.databaseUrl },
              embedded: { dataDir: options.dataDir },
            }),
          );
          process.stdout.write(
            `generated ${dataset.counts.pod_usage.hourly.toLocaleString("en-US")} hourly pod rows in ${dataset.dir}\n`,
          );
          const report = await runAggregateJob(config, { logger });
          process.stdout.write(formatRunReport(report));
          // The job stopped the embedded server; show the rows through a fresh connection.
          const db = await openDatabase(config, () => {});
          try {
            const table = `${quoteIdent(report.schema)}.reporting_ocpusagelineitem_daily_summary`;
            const summary = await db.client.query(
              `SELECT data_source,
                      CASE WHEN namespace = '' THEN '(PV without claim)' ELSE coalesce(namespace, '(none)') END
                        AS namespace, count(*)::int AS rows,
                      round(sum(pod_usage_cpu_core_hours), 2)::text AS cpu_core_hours,
                      round(sum(pod_usage_memory_gigabyte_hours), 2)::text AS memory_gib_hours,
                      round(sum(persistentvolumeclaim_usage_gigabyte_months), 4)::text AS storage_gib_months
                 FROM ${table} WHERE source_uuid = $1
                GROUP BY 1, 2 ORDER BY 1, 2`,
              [run.sourceUuid],
            );
            process.stdout.write(`\nrows in ${table} for source ${run.sourceUuid}:\n`);
            process.stdout.write(formatTable(summary.rows));
            process.stdout.write(DEMO_LEGEND);
          } finally {
            await db.close();
          }
          process.stdout.write(`\n${whereTheRowsAre(config, report.schema)}`);
          if (options.keep) process.stdout.write(`\nParquet kept in ${dataset.dir}\n`);
        } finally {
          if (!options.keep) rmSync(out, { recursive: true, force: true });
        }
      }),
    );
}

/** What the demo's less obvious rows are (Koku's semantics, spec §5-§6). */
const DEMO_LEGEND = `
Platform unallocated / Worker unallocated: node capacity that no pod used (a pod uses max(usage, request)),
  on control-plane and infra nodes / on worker nodes.
(PV without claim): a released PersistentVolume; Koku keeps its capacity in a Storage row with an empty
  namespace and no usage.
`;

function formatTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "(no rows)\n";
  const columns = Object.keys(rows[0]);
  const cells = rows.map((r) => columns.map((c) => (r[c] === null ? "" : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => `${values.map((v, i) => v.padEnd(widths[i])).join("  ")}\n`;
  return line(columns) + line(widths.map((w) => "-".repeat(w))) + cells.map(line).join("");
}
