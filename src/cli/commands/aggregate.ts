/** `ocp-aggregator aggregate`: one source/month from Parquet (local or S3) into PostgreSQL. */
import type { Command } from "commander";
import { type RunReport, runAggregateJob } from "../../run/job.js";
import { SUMMARY_TABLE } from "../../sink/summary-ddl.js";
import { createProgress, shouldShowProgress } from "../progress.js";
import { formatRunReport } from "../report.js";
import { commandContext, defined, runCommand } from "../run-context.js";
import { whereTheRowsAre } from "../where-rows.js";

export interface AggregateCliOptions {
  input?: string;
  sourceUuid?: string;
  year?: string;
  month?: string;
  startDate?: string;
  endDate?: string;
  clusterId?: string;
  clusterAlias?: string;
  reportPeriodId?: string;
  orgId?: string;
  databaseUrl?: string;
  schema?: string;
  dataDir?: string;
  config?: string;
  mode?: string;
  kokuSql?: string;
  steps?: string;
  summaryParquet?: string;
  logLevel?: string;
  logFormat?: string;
  progress?: string;
  json?: boolean;
  allowEmpty?: boolean;
  strict?: boolean;
}

/** The run options of `aggregate`, as [flags, help]; other commands take them all or all but a few. */
const RUN_OPTIONS: readonly (readonly [string, string])[] = [
  ["--input <dir|s3://bucket/prefix>", "input root holding Koku's data/parquet tree"],
  ["--source-uuid <uuid>", "OpenShift source (provider) uuid"],
  ["--year <yyyy>", "year of the month to summarise"],
  ["--month <m>", "month to summarise (1-12)"],
  ["--start-date <YYYY-MM-DD>", "first day (default: first of the month)"],
  ["--end-date <YYYY-MM-DD>", "last day, inclusive (default: last of the month)"],
  ["--cluster-id <id>", "cluster id written to every row"],
  ["--cluster-alias <alias>", "cluster alias written to every row"],
  ["--report-period-id <n>", "Koku report period id written to every row"],
  ["--org-id <org>", "tenant (org id) of the object path; default schema"],
  ["--database-url <url>", "PostgreSQL URL (default: the embedded PostgreSQL)"],
  ["--schema <name>", "PostgreSQL schema (default: the org id, else public)"],
  ["--data-dir <dir>", "data directory of the embedded PostgreSQL"],
  ["--config <file.yaml>", "YAML config file"],
  ["--strict", "unknown keys in the config file are errors (config.strict)"],
  [
    "--allow-empty",
    "when no input file or no usage row is found, replace the range with nothing instead of failing",
  ],
  ["--mode <streaming|in-memory>", "streaming (bounded memory) or in-memory (read everything first)"],
  ["--koku-sql <trino|onprem>", "which Koku SQL rendering to reproduce (default trino)"],
  ["--steps <list>", "Koku's OCP summary steps to run: summary,inventory,gpu,vm (default all)"],
  [
    "--summary-parquet <dir|s3://bucket/prefix>",
    "also write the summary rows as Parquet in Koku's Hive layout there (after the commit)",
  ],
  ["--log-level <level>", "trace, debug, info, warn, error"],
  ["--log-format <auto|json|pretty>", "log format (auto: pretty on a terminal)"],
  ["--progress <auto|on|off>", "progress bar (auto: on a terminal outside CI)"],
];

/**
 * Adds the run options. `omit` names those that cannot apply to the command (e.g. `verify` writes nothing, so
 * no --summary-parquet): not offering them makes a user who types one get "unknown option" instead of silence.
 */
export function addRunOptions(command: Command, omit: readonly string[] = []): Command {
  for (const [flags, help] of RUN_OPTIONS) {
    if (!omit.includes(flags.split(" ")[0] as string)) command.option(flags, help);
  }
  return command;
}

/** The options every command that runs the OpenShift summary shares (aggregate, ocp-on-aws). */
export type RunScopeCliOptions = Pick<
  AggregateCliOptions,
  | "input"
  | "year"
  | "month"
  | "startDate"
  | "endDate"
  | "clusterId"
  | "clusterAlias"
  | "reportPeriodId"
  | "orgId"
  | "kokuSql"
  | "databaseUrl"
  | "schema"
  | "dataDir"
  | "logLevel"
  | "logFormat"
>;

/**
 * Config overrides of the shared run options. `sourceUuid` is the OpenShift source: aggregate's --source-uuid,
 * ocp-on-aws's --ocp-source-uuid (its --source-uuid names the AWS source).
 */
export function runScopeOverrides(o: RunScopeCliOptions, sourceUuid: string | undefined) {
  return {
    input: o.input,
    run: {
      sourceUuid,
      year: o.year,
      month: o.month,
      startDate: o.startDate,
      endDate: o.endDate,
      clusterId: o.clusterId,
      clusterAlias: o.clusterAlias,
      reportPeriodId: o.reportPeriodId,
      orgId: o.orgId,
      kokuSql: o.kokuSql,
    },
    database: { url: o.databaseUrl, schema: o.schema },
    embedded: { dataDir: o.dataDir },
    logging: { level: o.logLevel, format: o.logFormat },
  };
}

export function overridesFrom(o: AggregateCliOptions) {
  const scope = runScopeOverrides(o, o.sourceUuid);
  return defined({
    ...scope,
    run: { ...scope.run, steps: o.steps, summaryParquet: o.summaryParquet, allowEmpty: o.allowEmpty },
    strict: o.strict,
    performance: { mode: o.mode },
    logging: { ...scope.logging, progress: o.progress },
  });
}

export function registerAggregateCommand(program: Command): void {
  addRunOptions(
    program
      .command("aggregate")
      .description(
        "summarise one source/month of OpenShift usage Parquet into reporting_ocpusagelineitem_daily_summary",
      ),
  )
    .option("--json", "print the run report as JSON on stdout")
    .action((options: AggregateCliOptions) =>
      runCommand(async () => {
        const { config, logger } = commandContext(options.config, overridesFrom(options));
        const progress = createProgress({ enabled: shouldShowProgress(config.logging.progress) });
        let last = { rowGroups: 0, rows: 0, files: 0 };
        try {
          const report = await runAggregateJob(config, {
            logger,
            onStart: (totals) => progress.start(totals),
            onProgress: (p) => {
              progress.advance({
                rowGroups: p.rowGroups - last.rowGroups,
                rows: p.rows - last.rows,
                files: p.files - last.files,
              });
              last = { rowGroups: p.rowGroups, rows: p.rows, files: p.files };
            },
          });
          progress.stop();
          // The summary below says it all on a terminal; the full report is one debug line (and --json).
          logger.info(
            {
              outputRows: report.outputRows.total,
              deletedRows: report.deletedRows,
              seconds: Number(report.seconds.total.toFixed(2)),
            },
            "run complete",
          );
          logger.debug({ report }, "run report");
          process.stdout.write(
            options.json
              ? `${JSON.stringify(report, null, 2)}\n`
              : formatRunReport(report) + whereTheRowsAre(config, report.schema, tablesWritten(report)),
          );
        } finally {
          progress.stop();
        }
      }),
    );
}

/** The summary table when the run did the summary, else the tables its other steps wrote. */
function tablesWritten(report: RunReport): string[] {
  if (report.steps.done.includes("summary")) return [SUMMARY_TABLE];
  return Object.keys(report.tables).filter((t) => t.startsWith("reporting_"));
}
