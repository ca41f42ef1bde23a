/**
 * `ocp-aggregator generate`: synthetic Koku-shaped OpenShift Parquet (a named scenario, a description
 * file, or a size), deterministic by seed; and `ocp-aggregator seed`: a dataset's params.json into
 * Koku's reference tables (enabled tag keys, cost-category namespaces, node roles).
 */
import { join } from "node:path";
import type { Command } from "commander";
import {
  type GenerateOptions,
  generateDataset,
  listScenarios,
  loadDatasetParams,
  type RowCounts,
} from "../../generate/index.js";
import { type Compression, compressionAvailable } from "../../generate/parquet-output.js";
import { SCALE_PRESETS, type ScalePreset } from "../../generate/scale.js";
import { openDatabase } from "../../run/database.js";
import { connect } from "../../sink/connection.js";
import { seedReferenceData } from "../../sink/reference-tables.js";
import { commandContext, defined, runCommand, UsageError } from "../run-context.js";

export interface GenerateCliOptions {
  list?: boolean;
  scenario?: string;
  description?: string;
  scale?: string;
  nodes?: string;
  podsPerNode?: string;
  days?: string;
  startDate?: string;
  endDate?: string;
  out?: string;
  seed?: string;
  rowGroupSize?: string;
  filesPerType?: string;
  intervalMinutes?: string;
  compression?: string;
  nodeRoleColumn?: string;
  overwrite?: boolean;
  s3Endpoint?: string;
  seedDatabase?: string;
  schema?: string;
  json?: boolean;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} needs a positive integer, not "${value}"`);
  return n;
}

/** Maps command-line options to the programmatic API's options (exported for tests). */
export function generateOptionsFrom(o: GenerateCliOptions): GenerateOptions {
  if (!o.out) throw new UsageError("generate needs --out <dir|s3://bucket/prefix>");
  const size =
    o.nodes !== undefined || o.podsPerNode !== undefined || o.days !== undefined
      ? {
          nodes: positiveInt(o.nodes, "--nodes") ?? 10,
          podsPerNode: positiveInt(o.podsPerNode, "--pods-per-node") ?? 20,
          days: positiveInt(o.days, "--days") ?? 1,
        }
      : undefined;
  const sources = [o.scenario, o.description, o.scale, size].filter((s) => s !== undefined).length;
  if (sources !== 1) {
    throw new UsageError(
      "give exactly one of --scenario, --description, --scale or --nodes/--pods-per-node/--days",
    );
  }
  if (o.scenario !== undefined && !listScenarios().some((s) => s.name === o.scenario)) {
    throw new UsageError(`unknown scenario "${o.scenario}" (see generate --list)`);
  }
  if (o.scale !== undefined && !(o.scale in SCALE_PRESETS)) {
    throw new UsageError(`--scale must be one of ${Object.keys(SCALE_PRESETS).join(", ")}`);
  }
  if (o.compression !== undefined && o.compression !== "snappy" && o.compression !== "zstd") {
    throw new UsageError("--compression must be snappy or zstd");
  }
  if (o.compression === "zstd" && !compressionAvailable("zstd")) {
    throw new UsageError(
      `--compression zstd needs Node.js >= 22.15 (this is ${process.versions.node}); use snappy`,
    );
  }
  if (o.nodeRoleColumn !== undefined && !["on", "off"].includes(o.nodeRoleColumn)) {
    throw new UsageError("--node-role-column must be on or off");
  }
  const seed = o.seed === undefined ? undefined : Number(o.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new UsageError(`--seed needs an integer, not "${o.seed}"`);
  return {
    out: o.out,
    scenario: o.scenario,
    descriptionFile: o.description,
    scale: o.scale as ScalePreset | undefined,
    size,
    startDate: o.startDate,
    endDate: o.endDate,
    seed,
    rowGroupSize: positiveInt(o.rowGroupSize, "--row-group-size"),
    filesPerType: positiveInt(o.filesPerType, "--files-per-type"),
    intervalMinutes: positiveInt(o.intervalMinutes, "--interval-minutes"),
    compression: o.compression as Compression | undefined,
    nodeRoleColumn: o.nodeRoleColumn === undefined ? undefined : o.nodeRoleColumn === "on",
    overwrite: o.overwrite ?? false,
    s3: o.s3Endpoint ? { endpoint: o.s3Endpoint } : undefined,
  };
}

function formatScenarioList(): string {
  const scenarios = listScenarios();
  const width = Math.max(...scenarios.map((s) => s.name.length));
  const lines = scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`);
  const presets = Object.entries(SCALE_PRESETS).map(
    ([name, p]) =>
      `  ${name.padEnd(width)}  ${p.nodes} nodes × ${p.podsPerNode} pods × ${p.days} day(s) × 24 h`,
  );
  return ["Scenarios (--scenario NAME):", ...lines, "", "Scale presets (--scale NAME):", ...presets, ""].join(
    "\n",
  );
}

async function seedDatabase(
  datasetDir: string,
  databaseUrl: string,
  schema: string | undefined,
): Promise<string> {
  const params = loadDatasetParams(datasetDir);
  const target = schema ?? params.run.orgId ?? "public";
  const client = await connect(databaseUrl);
  try {
    await seedReferenceData(client, target, params.reference);
  } finally {
    await client.end();
  }
  return target;
}

/** What to type next: the dataset's params.json is a config file holding its run and reference data. */
function nextStep(dir: string, run: { sourceUuid: string; year: number; month: number }): string {
  if (dir.startsWith("s3://")) {
    return [
      "next: aggregate it (S3 endpoint and credentials as for generate, e.g. S3_ENDPOINT, AWS_ACCESS_KEY_ID):",
      `  npx ocp-aggregator aggregate --input ${dir} --source-uuid ${run.sourceUuid} --year ${run.year} --month ${run.month}`,
    ].join("\n");
  }
  return [
    "next: aggregate it into the embedded PostgreSQL (params.json holds the run and its reference data):",
    `  npx ocp-aggregator aggregate --input ${dir} --config ${join(dir, "params.json")}`,
  ].join("\n");
}

export function registerGenerateCommands(program: Command): void {
  program
    .command("generate")
    .description("write synthetic OpenShift usage Parquet exactly as Koku stores it (deterministic by seed)")
    .option("--list", "list the named scenarios and scale presets")
    .option("--scenario <name>", "a named scenario (see --list)")
    .option("--description <file.yaml>", "a cluster description: our YAML or nise's static OpenShift YAML")
    .option("--scale <preset>", `a size preset: ${Object.keys(SCALE_PRESETS).join(", ")} (hourly pod rows)`)
    .option("--nodes <n>", "custom size: nodes")
    .option("--pods-per-node <n>", "custom size: pods per node")
    .option("--days <n>", "custom size: days")
    .option("--start-date <YYYY-MM-DD>", "first day of a scale run or of a nise file without start_date")
    .option("--end-date <YYYY-MM-DD>", "last day of a nise file without end_date (default: the start day)")
    .option("--out <dir|s3://bucket/prefix>", "output root (params.json and data/parquet/…)")
    .option("--seed <n>", "random seed (default 1): same seed, same bytes")
    .option("--row-group-size <rows>", "rows per Parquet row group (default 100000)")
    .option("--files-per-type <n>", "split each report type's month over n files")
    .option("--interval-minutes <m>", "interval length (default 60; 15 gives 4x the hourly rows)")
    .option("--compression <snappy|zstd>", "Parquet compression (default snappy; zstd needs Node >= 22.15)")
    .option("--node-role-column <on|off>", "write pod_usage.node_role (newer operators)")
    .option("--overwrite", "replace a dataset already in --out")
    .option("--s3-endpoint <url>", "S3-compatible endpoint for an s3:// --out (credentials from the AWS env)")
    .option("--seed-database <url>", "also load params.json into the Koku reference tables of this database")
    .option("--schema <name>", "schema for --seed-database (default: the dataset's org id)")
    .option("--json", "print the result as JSON")
    .action((o: GenerateCliOptions) =>
      runCommand(async () => {
        if (o.list) {
          process.stdout.write(formatScenarioList());
          return;
        }
        const options = generateOptionsFrom(o);
        let lastShown = -1;
        if (process.stderr.isTTY && !o.json) {
          options.onProgress = ({ intervals, totalIntervals, podRows }) => {
            const percent = Math.floor((100 * intervals) / totalIntervals);
            if (percent === lastShown) return;
            lastShown = percent;
            process.stderr.write(`\rgenerating: ${percent}% (${podRows.toLocaleString("en-US")} pod rows)`);
          };
        }
        const result = await generateDataset(options);
        if (lastShown >= 0) process.stderr.write("\n");
        let seededSchema: string | undefined;
        if (o.seedDatabase) {
          if (result.dir.startsWith("s3://")) throw new UsageError("--seed-database needs a local --out");
          seededSchema = await seedDatabase(result.dir, o.seedDatabase, o.schema);
        }
        const summary = {
          dir: result.dir,
          sourceUuid: result.params.run.sourceUuid,
          year: result.params.run.year,
          month: result.params.run.month,
          startDate: result.params.run.startDate,
          endDate: result.params.run.endDate,
          counts: result.counts,
          files: result.files.length,
          seconds: Number(result.seconds.toFixed(3)),
          peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
          seededSchema,
        };
        if (o.json) {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          return;
        }
        const c = result.counts;
        process.stdout.write(
          [
            `dataset ${summary.dir} (source ${summary.sourceUuid}, ${summary.startDate}..${summary.endDate})`,
            `  pod_usage ${c.pod_usage.hourly} hourly / ${c.pod_usage.daily} daily rows; storage_usage ${c.storage_usage.hourly} / ${c.storage_usage.daily}`,
            `  node_labels ${c.node_labels.hourly} / ${c.node_labels.daily}; namespace_labels ${c.namespace_labels.hourly} / ${c.namespace_labels.daily}`,
            ...optionalReportCounts(c),
            `  ${summary.files} files in ${summary.seconds} s, peak RSS ${summary.peakRssMB} MB${seededSchema ? `; reference data seeded into schema ${seededSchema}` : ""}`,
            "",
            nextStep(result.dir, result.params.run),
            "",
          ].join("\n"),
        );
      }),
    );

  program
    .command("seed")
    .description(
      "load a dataset's params.json into Koku's reference tables (tag keys, cost categories, node roles)",
    )
    .requiredOption("--dataset <dir>", "dataset root holding params.json")
    .option("--database-url <url>", "PostgreSQL URL (default: the embedded PostgreSQL, as for aggregate)")
    .option("--data-dir <dir>", "data directory of the embedded PostgreSQL")
    .option("--schema <name>", "target schema (default: the dataset's org id, else public)")
    .action((o: { dataset: string; databaseUrl?: string; dataDir?: string; schema?: string }) =>
      runCommand(async () => {
        const { config, logger } = commandContext(
          undefined,
          defined({ database: { url: o.databaseUrl }, embedded: { dataDir: o.dataDir } }),
        );
        const db = await openDatabase(config, (msg) => logger.debug({ embedded: msg }, "embedded postgres"));
        let schema: string;
        try {
          const params = loadDatasetParams(o.dataset);
          schema = o.schema ?? params.run.orgId ?? "public";
          await seedReferenceData(db.client, schema, params.reference);
        } finally {
          await db.close();
        }
        process.stdout.write(
          `reference data of ${o.dataset} seeded into schema ${schema} of ${db.shownUrl}\n`,
        );
      }),
    );
}

/** The newer report types, listed only when the dataset has them (older operators send none). */
function optionalReportCounts(c: RowCounts): string[] {
  const parts = (["gpu_usage", "vm_usage"] as const).flatMap((type) => {
    const n = c[type];
    return n ? [`${type} ${n.hourly} / ${n.daily}`] : [];
  });
  return parts.length > 0 ? [`  ${parts.join("; ")}`] : [];
}
