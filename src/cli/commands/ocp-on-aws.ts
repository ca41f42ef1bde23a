/** `ocp-aggregator ocp-on-aws`: Koku's OCP-on-AWS cost attribution for one AWS source, one cluster and a month. */
import type { Command } from "commander";
import { listAwsScenarios } from "../../aws/generate/cur-scenario.js";
import { generateOcpOnAwsDataset } from "../../aws/generate/index.js";
import { generateOcpOnAwsScale } from "../../aws/generate/scale.js";
import { runOcpOnAwsJob } from "../../aws/run/ocp-on-aws-job.js";
import { resolveOcpOnAwsParams, sharedSourceFrom } from "../../aws/run/ocp-on-aws-params.js";
import { PROJECT_TABLE } from "../../aws/sink/project-table.js";
import { verifyOcpOnAws } from "../../aws/verify/verify-ocp-on-aws.js";
import { type ConfigOverrides, UsageError } from "../../config/index.js";
import { SCALE_PRESETS, type ScalePreset } from "../../generate/index.js";
import { SUMMARY_TABLE } from "../../sink/summary-ddl.js";
import { commandContext, defined, runCommand } from "../run-context.js";
import { CLI_COMMAND, shellQuote, whereTheRowsAre } from "../where-rows.js";
import { runScopeOverrides } from "./aggregate.js";

export interface OcpOnAwsCliOptions {
  input?: string;
  sourceUuid?: string;
  ocpSourceUuid?: string;
  year?: string;
  month?: string;
  startDate?: string;
  endDate?: string;
  clusterId?: string;
  clusterAlias?: string;
  billId?: string;
  reportPeriodId?: string;
  markup?: string;
  distribution?: string;
  awsEnabledTagKeys?: string;
  sharedOcpSource?: string[];
  orgId?: string;
  databaseUrl?: string;
  schema?: string;
  dataDir?: string;
  config?: string;
  kokuSql?: string;
  logLevel?: string;
  logFormat?: string;
  allowEmpty?: boolean;
  dryRun?: boolean;
  verify?: boolean;
  json?: boolean;
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === "") throw new UsageError(`${option} is required`);
  return value;
}

function integer(value: string | undefined, option: string, min: number, max: number): number {
  const n = Number(required(value, option));
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${option} must be an integer in ${min}..${max}, got ${value}`);
  return n;
}

/** Options → config overrides: the OCP side goes to run.*, the AWS side to ocp_on_aws.*. */
export function ocpOnAwsOverrides(o: OcpOnAwsCliOptions): ConfigOverrides {
  const scope = runScopeOverrides(o, o.ocpSourceUuid);
  return defined({
    ...scope,
    run: { ...scope.run, allowEmpty: o.allowEmpty },
    ocpOnAws: {
      awsSourceUuid: o.sourceUuid,
      billId: o.billId,
      markup: o.markup,
      distribution: o.distribution,
      awsEnabledTagKeys: o.awsEnabledTagKeys,
      sharedOcpSources: o.sharedOcpSource,
    },
  });
}

/** The options that describe one OCP-on-AWS run (shared by `ocp-on-aws` and `submit-ocp-on-aws`). */
export function addOcpOnAwsRunOptions(command: Command, omit: readonly string[] = []): Command {
  command
    .option(
      "--input <dir|s3://bucket/prefix>",
      "input root holding Koku's data/parquet tree (AWS CUR and OCP usage)",
    )
    .option("--source-uuid <uuid>", "AWS source (provider) uuid")
    .option("--ocp-source-uuid <uuid>", "OpenShift source (provider) uuid")
    .option("--year <yyyy>", "year")
    .option("--month <m>", "month (1-12)")
    .option("--start-date <YYYY-MM-DD>", "first day (default: first of the month)")
    .option("--end-date <YYYY-MM-DD>", "last day, inclusive (default: last of the month)")
    .option("--cluster-id <id>", "the OpenShift cluster id")
    .option("--cluster-alias <alias>", "the OpenShift source's name (matched by openshift_cluster tags too)")
    .option("--bill-id <n>", "Koku's AWS bill id (cost_entry_bill_id)")
    .option("--report-period-id <n>", "Koku's OCP report period id")
    .option(
      "--markup <fraction>",
      "markup as a fraction of cost (0.1 = 10 %); default: the AWS source's Koku cost model markup % / 100 when the schema has one, else 0",
    )
    .option(
      "--distribution <cpu|memory>",
      "how instance cost is split over pods; default: the OCP source's Koku cost model distribution_type when the schema has one, else cpu",
    )
    .option(
      "--aws-enabled-tag-keys <k1,k2>",
      "AWS enabled tag keys when the schema has no reporting_enabledtagkeys",
    )
    .option(
      "--shared-ocp-source <uuid=cluster-id[:alias]>",
      "another cluster on the same AWS account (repeatable): shared disks and tag matches count it, as Koku does",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--org-id <org>", "tenant (org id) of the object path; default schema")
    .option("--database-url <url>", "PostgreSQL URL (default: the embedded PostgreSQL)")
    .option("--schema <name>", "PostgreSQL schema (default: the org id, else public)")
    .option("--config <file.yaml>", "YAML config file")
    .option(
      "--koku-sql <trino|onprem>",
      "rendering of the OCP summary rows computed as input when the summary's Parquet copy is not under --input (default trino)",
    )
    .option("--log-level <level>", "trace, debug, info, warn, error")
    .option("--log-format <auto|json|pretty>", "log format (auto: pretty on a terminal)")
    .option(
      "--allow-empty",
      "replace the range's rows with nothing when the CUR, its rows in range or the OCP rows are missing (default: fail, change nothing)",
    );
  // Not offered where it cannot apply (submit: the queue is never the embedded database).
  if (!omit.includes("--data-dir"))
    command.option("--data-dir <dir>", "data directory of the embedded PostgreSQL");
  return command;
}

export function registerOcpOnAwsCommand(program: Command): void {
  registerGenerateCommand(program);
  addOcpOnAwsRunOptions(program.command("ocp-on-aws"))
    .description(
      "attribute an AWS source's bill to one OpenShift cluster (Koku's OCP-on-AWS): reporting_ocpawscostlineitem_project_daily_summary_p + back-populate into reporting_ocpusagelineitem_daily_summary",
    )
    .option("--dry-run", "compute and report, write nothing")
    .option(
      "--verify",
      "write nothing; compare the engine's rows with the DuckDB rendering of Koku's SQL on the same input (S3 objects copied locally for DuckDB); exit 1 when they differ",
    )
    .option("--json", "print the run report as JSON on stdout")
    .action((options: OcpOnAwsCliOptions) =>
      runCommand(async () => {
        const { config, logger } = commandContext(options.config, ocpOnAwsOverrides(options));
        const params = resolveOcpOnAwsParams(config);
        const keys = config.ocpOnAws.awsEnabledTagKeys;
        const sharedOcpSources = config.ocpOnAws.sharedOcpSources.map(sharedSourceFrom);
        if (options.verify) {
          const verified = await verifyOcpOnAws(config, {
            params,
            awsEnabledKeys: keys,
            sharedOcpSources,
            logger,
          });
          const summary = {
            equal: verified.comparison.equal,
            engineRows: verified.engine.length,
            referenceRows: verified.reference.rows.length,
            report: verified.comparison.report,
          };
          process.stdout.write(
            options.json
              ? `${JSON.stringify(summary, null, 2)}\n`
              : `OCP on AWS parity, engine vs DuckDB reference: ${summary.equal ? "EQUAL" : "DIFFERENT"}\n  ${summary.report}\n`,
          );
          if (!summary.equal) throw new Error("engine and reference differ (see the report above)");
          return;
        }
        const report = await runOcpOnAwsJob(config, {
          params,
          awsEnabledKeys: keys,
          sharedOcpSources,
          logger,
          dryRun: options.dryRun,
        });
        logger.info({ report: { ...report, rows: undefined } }, "ocp-on-aws run complete");
        const { rows: _rows, ...shown } = report;
        process.stdout.write(options.json ? `${JSON.stringify(shown, null, 2)}\n` : formatReport(shown));
        // as aggregate and demo do: where the rows went and the command to look at them
        if (!options.json && !options.dryRun)
          process.stdout.write(whereTheRowsAre(config, report.schema, [PROJECT_TABLE, SUMMARY_TABLE]));
      }),
    );
}

function registerGenerateCommand(program: Command): void {
  program
    .command("generate-ocp-on-aws")
    .description(
      "write an OCP-on-AWS scenario: its clusters' OCP Parquet, the AWS CUR Parquet and ocp-on-aws.json",
    )
    .option("--scenario <name>", "scenario name (--list shows them)")
    .option(
      "--scale <preset>",
      `instead of a scenario: a sized cluster (${Object.keys(SCALE_PRESETS).join(", ")}) with an AWS bill built from it`,
    )
    .option("--out <dir>", "output directory")
    .option("--seed <n>", "seed of the generated identities", "1")
    .option("--list", "list the scenarios and the POC cases they cover")
    .action((options: { scenario?: string; scale?: string; out?: string; seed: string; list?: boolean }) =>
      runCommand(async () => {
        if (options.list) {
          for (const s of listAwsScenarios()) {
            process.stdout.write(`${s.name.padEnd(28)} POC ${s.poc.join(",").padEnd(10)} ${s.description}\n`);
          }
          return;
        }
        const out = required(options.out, "--out");
        const seed = integer(options.seed, "--seed", 0, 2 ** 31 - 1);
        if ((options.scenario === undefined) === (options.scale === undefined)) {
          throw new UsageError("give one of --scenario or --scale");
        }
        if (options.scale !== undefined && !(options.scale in SCALE_PRESETS)) {
          throw new UsageError(`--scale must be one of ${Object.keys(SCALE_PRESETS).join(", ")}`);
        }
        const ds = options.scale
          ? await generateOcpOnAwsScale({ scale: options.scale as ScalePreset, out, seed })
          : await generateOcpOnAwsDataset({ scenario: options.scenario as string, out, seed });
        const p = ds.params;
        const shared = ds.clusters
          .slice(1)
          .map((c) => ` --shared-ocp-source ${c.run.sourceUuid}=${c.run.clusterId}`)
          .join("");
        process.stdout.write(
          `wrote ${ds.dir} (${ds.rows.hourly} hourly, ${ds.rows.daily} daily CUR rows, ${ds.clusters.length} cluster(s))\n` +
            `run: ${CLI_COMMAND} ocp-on-aws --input ${shellQuote(ds.dir)} --source-uuid ${p.awsSourceUuid} --ocp-source-uuid ${p.ocpSourceUuid}` +
            ` --year ${p.year} --month ${p.month} --start-date ${p.startDate} --end-date ${p.endDate} --cluster-id ${p.clusterId}` +
            `${p.clusterAlias ? ` --cluster-alias ${shellQuote(p.clusterAlias)}` : ""} --bill-id ${p.billId} --report-period-id ${p.reportPeriodId}` +
            ` --markup ${p.markup} --distribution ${p.distribution}${shared}` +
            `${ds.aws.enabledTagKeys.length ? ` --aws-enabled-tag-keys ${ds.aws.enabledTagKeys.join(",")}` : ""}\n`,
        );
      }),
    );
}

function formatReport(r: Omit<Awaited<ReturnType<typeof runOcpOnAwsJob>>, "rows">): string {
  return [
    `OCP on AWS  ${r.params.awsSourceUuid} → cluster ${r.params.clusterId}  ${r.params.startDate}..${r.params.endDate}  (${r.schema})`,
    `  CUR: ${r.curFiles} files, ${r.curRows} rows; ${r.awsRowsInRange} daily rows in range, ${r.resourceMatchedRows} resource-matched, ${r.tagMatchedRows} tag-matched`,
    `  markup ${r.costSettings.markup.value} from ${r.costSettings.markup.from}; distribution ${r.costSettings.distribution.value} from ${r.costSettings.distribution.from}`,
    `  OCP summary rows used: ${r.ocpSummaryRows} (${Object.entries(r.ocpSummaryFrom)
      .map(([uuid, from]) => `${uuid}: ${from}`)
      .join("; ")})`,
    `  matched tags: ${r.matchedTags.length ? r.matchedTags.join(" ") : "none"} (from ${r.matchedTagsSources.join(", ")})`,
    r.dryRun
      ? `  project rows: ${r.projectRows} computed (dry run: nothing written)`
      : `  project rows: ${r.projectRows} written (${r.deletedProjectRows} replaced); OCP summary: ${r.backPopulatedRows} back-populated (${r.deletedSummaryRows} replaced)`,
    `  seconds: total ${r.seconds.total.toFixed(2)} · ocp ${r.seconds.ocp.toFixed(2)} · cur ${r.seconds.cur.toFixed(2)} · engine ${r.seconds.engine.toFixed(2)} · write ${r.seconds.write.toFixed(2)}`,
    "",
  ].join("\n");
}
