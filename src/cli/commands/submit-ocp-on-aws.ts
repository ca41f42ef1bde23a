/**
 * `ocp-aggregator submit-ocp-on-aws`: enqueue OCP-on-AWS jobs for `worker` processes. The run is described
 * with the `ocp-on-aws` command's own options (same meanings: `--source-uuid` is the AWS source), one job per
 * AWS source / cluster / day range as Koku's `update_openshift_on_cloud` tasks; `--jobs` lists several.
 */
import type { Command } from "commander";
import type { ConfigOverrides } from "../../config/index.js";
import type { AppConfig } from "../../config/schema.js";
import {
  OCP_ON_AWS_KIND,
  type OcpOnAwsJobPayload,
  parseQueuedJobPayload,
  readJobsFile,
  resolveQueueConnection,
  submitAndReport,
} from "../../queue/index.js";
import { commandContext, defined, runCommand, UsageError } from "../run-context.js";
import { addOcpOnAwsRunOptions, type OcpOnAwsCliOptions, ocpOnAwsOverrides } from "./ocp-on-aws.js";
import {
  addJobPolicyOptions,
  addQueueOptions,
  type JobPolicyCliOptions,
  jobPolicyOverrides,
  type QueueCliOptions,
  queueOverrides,
} from "./queue.js";

export interface SubmitOcpOnAwsCliOptions extends OcpOnAwsCliOptions, QueueCliOptions, JobPolicyCliOptions {
  jobs?: string;
  wait?: boolean;
  waitTimeoutSeconds?: string;
}

/** The fields the options (or config) give every job; a jobs file's entries override them. */
function sharedFields(config: AppConfig, options: SubmitOcpOnAwsCliOptions): Record<string, unknown> {
  const { run, ocpOnAws } = config;
  return defined({
    kind: OCP_ON_AWS_KIND,
    awsSourceUuid: ocpOnAws.awsSourceUuid ?? undefined,
    ocpSourceUuid: run.sourceUuid,
    year: run.year,
    month: run.month,
    startDate: run.startDate,
    endDate: run.endDate,
    clusterId: run.clusterId ?? undefined,
    clusterAlias: run.clusterAlias ?? undefined,
    billId: ocpOnAws.billId ?? undefined,
    reportPeriodId: run.reportPeriodId ?? undefined,
    // markup and distribution when given here (options, env, file); unset, the worker's run takes them from Koku's
    // cost model of the source when the schema has one, else 0 / cpu (docs/spec-notes.md A10)
    markup: ocpOnAws.markup ?? undefined,
    distribution: ocpOnAws.distribution ?? undefined,
    awsEnabledTagKeys: ocpOnAws.awsEnabledTagKeys ?? undefined,
    sharedOcpSources: ocpOnAws.sharedOcpSources.length > 0 ? ocpOnAws.sharedOcpSources : undefined,
    input: config.input ?? undefined,
    orgId: run.orgId ?? undefined,
    schema: config.database.schema ?? undefined,
    kokuSql: options.kokuSql === undefined ? undefined : run.kokuSql,
    allowEmpty: run.allowEmpty ? true : undefined,
  });
}

export function submitOcpOnAwsOverrides(options: SubmitOcpOnAwsCliOptions): ConfigOverrides {
  return defined({
    ...ocpOnAwsOverrides(options),
    ...queueOverrides(options),
    ...jobPolicyOverrides(options),
  });
}

/** The jobs the command submits: one from the options, or one per `--jobs` entry (options fill the gaps). */
export function ocpOnAwsJobsToSubmit(
  config: AppConfig,
  options: SubmitOcpOnAwsCliOptions,
): OcpOnAwsJobPayload[] {
  const shared = sharedFields(config, options);
  const entries = options.jobs ? readJobsFile(options.jobs) : [{}];
  return entries.map((entry, index) => {
    const job = parseQueuedJobPayload({ ...shared, ...entry, kind: OCP_ON_AWS_KIND });
    if (!("awsSourceUuid" in job)) throw new UsageError(`job ${index + 1} is not an OCP-on-AWS job`);
    return job;
  });
}

export function registerSubmitOcpOnAwsCommand(program: Command): void {
  addJobPolicyOptions(
    addQueueOptions(
      addOcpOnAwsRunOptions(
        program
          .command("submit-ocp-on-aws")
          .description(
            "enqueue OCP-on-AWS jobs (one per AWS source / cluster / day range) for `ocp-aggregator worker` processes",
          ),
        // the queue is in a shared PostgreSQL, never the embedded one
        ["--data-dir"],
      ),
    ),
  )
    .option(
      "--jobs <file>",
      "YAML or JSON list of jobs ({ocpSourceUuid, clusterId, reportPeriodId, startDate?, endDate?, ...}); the options give the fields they leave out",
    )
    .option("--wait", "wait until the jobs end; exit 1 when one failed")
    .option("--wait-timeout-seconds <s>", "give up waiting after this long (default 3600)")
    .option("--json", "print the submitted jobs (and with --wait their end states) as JSON")
    .action((options: SubmitOcpOnAwsCliOptions) =>
      runCommand(async () => {
        const { config, logger } = commandContext(
          options.config,
          defined({
            ...ocpOnAwsOverrides(options),
            ...queueOverrides(options),
            ...jobPolicyOverrides(options),
          }),
        );
        const connection = resolveQueueConnection(config);
        const jobs = ocpOnAwsJobsToSubmit(config, options);
        const waitTimeout = Number(options.waitTimeoutSeconds ?? 3600);
        if (!Number.isFinite(waitTimeout) || waitTimeout <= 0) {
          throw new UsageError("--wait-timeout-seconds: expected a positive number of seconds");
        }
        const outcome = await submitAndReport({
          connection,
          policy: config.job,
          jobs,
          logger,
          wait: options.wait ? { timeoutMs: waitTimeout * 1000 } : null,
        });
        process.stdout.write(options.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : outcome.text);
        if (outcome.failed > 0) throw new Error(`${outcome.failed} of ${jobs.length} jobs failed`);
      }),
    );
}
