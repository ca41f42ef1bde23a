/**
 * `ocp-aggregator submit` (enqueue summary jobs) and `ocp-aggregator worker` (run them), on a pg-boss queue in
 * PostgreSQL. Same config file and environment as `aggregate`; the queue, job and worker settings are keys of
 * the same table (queue.*, job.*, worker.*), each command offering only the options that act on what it does.
 */
import type { Command } from "commander";
import type { ConfigOverrides } from "../../config/index.js";
import type { AppConfig } from "../../config/schema.js";
import {
  parseQueuedJobPayload,
  parseSummaryJobPayload,
  type QueuedJobPayload,
  readJobsFile,
  resolveQueueConnection,
  runUntilSignal,
  type SummaryJobPayload,
  startSummaryWorker,
  submitAndReport,
} from "../../queue/index.js";
import { commandContext, defined, runCommand, UsageError } from "../run-context.js";
import { type AggregateCliOptions, addRunOptions, overridesFrom } from "./aggregate.js";

export interface QueueCliOptions {
  queueUrl?: string;
  queueSchema?: string;
}

interface SubmitCliOptions extends AggregateCliOptions, QueueCliOptions, JobPolicyCliOptions {
  jobs?: string;
  wait?: boolean;
  waitTimeoutSeconds?: string;
}

interface WorkerCliOptions extends QueueCliOptions {
  concurrency?: string;
  metricsHost?: string;
  metricsPort?: string;
  pollSeconds?: string;
  maintenanceSeconds?: string;
  shutdownGraceSeconds?: string;
  input?: string;
  databaseUrl?: string;
  schema?: string;
  dataDir?: string;
  config?: string;
  mode?: string;
  kokuSql?: string;
  logLevel?: string;
  logFormat?: string;
}

export function addQueueOptions(command: Command): Command {
  return command
    .option(
      "--queue-url <url>",
      "PostgreSQL of the job queue (default: the output database; OCP_AGG_QUEUE_URL)",
    )
    .option("--queue-schema <name>", "schema of the queue tables (default pgboss; OCP_AGG_QUEUE_SCHEMA)");
}

/** What each job carries: only `submit` offers these, since a worker cannot change them for queued jobs. */
export function addJobPolicyOptions(command: Command): Command {
  return command
    .option("--retry-limit <n>", "retries after the first attempt (default 3; OCP_AGG_JOB_RETRY_LIMIT)")
    .option(
      "--retry-delay-seconds <s>",
      "first retry delay, doubling per attempt (default 30; OCP_AGG_JOB_RETRY_DELAY_SECONDS)",
    )
    .option(
      "--job-timeout-seconds <s>",
      "an attempt still running after this is failed and retried (default 900; OCP_AGG_JOB_TIMEOUT_SECONDS)",
    )
    .option(
      "--job-heartbeat-seconds <s>",
      "a job whose worker stopped reporting for this long (killed) is retried elsewhere (default 20, min 10; OCP_AGG_JOB_HEARTBEAT_SECONDS)",
    );
}

export function queueOverrides(options: QueueCliOptions) {
  return { queue: { url: options.queueUrl, schema: options.queueSchema } };
}

export interface JobPolicyCliOptions {
  retryLimit?: string;
  retryDelaySeconds?: string;
  jobTimeoutSeconds?: string;
  jobHeartbeatSeconds?: string;
}

export function jobPolicyOverrides(options: JobPolicyCliOptions) {
  return {
    job: {
      retryLimit: options.retryLimit,
      retryDelaySeconds: options.retryDelaySeconds,
      timeoutSeconds: options.jobTimeoutSeconds,
      heartbeatSeconds: options.jobHeartbeatSeconds,
    },
  };
}

function submitOverrides(options: SubmitCliOptions): ConfigOverrides {
  return defined({
    ...overridesFrom(options),
    ...queueOverrides(options),
    ...jobPolicyOverrides(options),
  });
}

function workerOverrides(options: WorkerCliOptions): ConfigOverrides {
  return defined({
    ...overridesFrom({ ...options, progress: "off" }),
    ...queueOverrides(options),
    worker: {
      concurrency: options.concurrency,
      metricsHost: options.metricsHost,
      metricsPort: options.metricsPort,
      pollSeconds: options.pollSeconds,
      maintenanceSeconds: options.maintenanceSeconds,
      shutdownGraceSeconds: options.shutdownGraceSeconds,
    },
  });
}

/** The fields every submitted job shares, from the submit command's own config (options, env, file). */
function sharedJobFields(config: AppConfig, options: SubmitCliOptions): Partial<SummaryJobPayload> {
  const { run } = config;
  return defined({
    input: config.input ?? undefined,
    orgId: run.orgId ?? undefined,
    schema: config.database.schema ?? undefined,
    clusterId: run.clusterId ?? undefined,
    clusterAlias: run.clusterAlias ?? undefined,
    reportPeriodId: run.reportPeriodId ?? undefined,
    // the default flavour is the worker's to choose; only an explicit choice travels with the job
    kokuSql: options.kokuSql === undefined ? undefined : run.kokuSql,
    allowEmpty: run.allowEmpty ? true : undefined,
  });
}

function jobsToSubmit(config: AppConfig, options: SubmitCliOptions): QueuedJobPayload[] {
  const shared = sharedJobFields(config, options);
  // a jobs file may mix summary jobs and OCP-on-AWS jobs (`kind: ocp-on-aws`)
  if (options.jobs)
    return readJobsFile(options.jobs).map((entry) => parseQueuedJobPayload({ ...shared, ...entry }));
  const { run } = config;
  if (run.sourceUuid === undefined || run.year === undefined || run.month === undefined) {
    throw new UsageError("submit needs --source-uuid, --year and --month (or a --jobs file)");
  }
  return [
    parseSummaryJobPayload({
      ...shared,
      sourceUuid: run.sourceUuid,
      year: run.year,
      month: run.month,
      startDate: run.startDate,
      endDate: run.endDate,
    }),
  ];
}

export function registerQueueCommands(program: Command): void {
  addJobPolicyOptions(
    addQueueOptions(
      addRunOptions(
        program
          .command("submit")
          .description("enqueue summary jobs (one per source/month) for `ocp-aggregator worker` processes"),
        // the queue is in a shared PostgreSQL (never the embedded one) and submit shows no progress bar
        ["--data-dir", "--progress"],
      ),
    ),
  )
    .option(
      "--jobs <file>",
      "YAML or JSON list of jobs ({sourceUuid, year, month, startDate?, endDate?, input?, ...}; entries with kind: ocp-on-aws are OCP-on-AWS jobs)",
    )
    .option("--wait", "wait until the jobs end; exit 1 when one failed")
    .option("--wait-timeout-seconds <s>", "give up waiting after this long (default 3600)")
    .option("--json", "print the submitted jobs (and with --wait their end states) as JSON")
    .action((options: SubmitCliOptions) =>
      runCommand(async () => {
        const { config, logger } = commandContext(options.config, submitOverrides(options));
        const connection = resolveQueueConnection(config);
        const policy = config.job;
        const jobs = jobsToSubmit(config, options);
        const waitTimeout = Number(options.waitTimeoutSeconds ?? 3600);
        if (!Number.isFinite(waitTimeout) || waitTimeout <= 0) {
          throw new UsageError(`--wait-timeout-seconds: expected a positive number of seconds`);
        }
        const outcome = await submitAndReport({
          connection,
          policy,
          jobs,
          logger,
          wait: options.wait ? { timeoutMs: waitTimeout * 1000 } : null,
        });
        process.stdout.write(options.json ? `${JSON.stringify(outcome.report, null, 2)}\n` : outcome.text);
        if (outcome.failed > 0) throw new Error(`${outcome.failed} of ${jobs.length} jobs failed`);
      }),
    );

  addQueueOptions(
    program
      .command("worker")
      .description("run queued summary and OCP-on-AWS jobs until SIGTERM; serves /metrics and /healthz")
      .option("--concurrency <n>", "jobs run at once by this process (default 1; OCP_AGG_WORKER_CONCURRENCY)")
      .option(
        "--metrics-host <host>",
        "address of /metrics and /healthz (default 0.0.0.0; OCP_AGG_METRICS_HOST)",
      )
      .option(
        "--metrics-port <port>",
        "port of /metrics and /healthz, 0 = any free (default 9464; OCP_AGG_METRICS_PORT)",
      )
      .option(
        "--poll-seconds <s>",
        "how often an idle worker asks for a job (default 2; OCP_AGG_POLL_SECONDS)",
      )
      .option(
        "--maintenance-seconds <s>",
        "how often jobs of killed workers (heartbeat lost) or past their timeout are failed to be retried (default 10; OCP_AGG_MAINTENANCE_SECONDS)",
      )
      .option(
        "--shutdown-grace-seconds <s>",
        "on SIGTERM, time for running jobs to finish before they go back to the queue (default 25; OCP_AGG_SHUTDOWN_GRACE_SECONDS)",
      )
      .option("--input <dir|s3://bucket/prefix>", "input root for jobs that name none")
      .option("--database-url <url>", "output PostgreSQL URL (required: DATABASE_URL or this)")
      .option(
        "--schema <name>",
        "output schema for jobs that name none (default: the job's org id, else public)",
      )
      .option("--config <file.yaml>", "YAML config file")
      .option("--mode <streaming|in-memory>", "streaming (bounded memory) or in-memory")
      .option("--koku-sql <trino|onprem>", "Koku SQL rendering for jobs that name none (default trino)")
      .option("--log-level <level>", "trace, debug, info, warn, error")
      .option("--log-format <auto|json|pretty>", "log format (auto: pretty on a terminal)"),
  ).action((options: WorkerCliOptions) =>
    runCommand(async () => {
      const baseOverrides = workerOverrides(options);
      const { config, logger } = commandContext(options.config, baseOverrides);
      if (!config.database.url) {
        throw new UsageError("a worker needs the output database: give --database-url or DATABASE_URL");
      }
      await runUntilSignal(
        () =>
          startSummaryWorker({
            connection: resolveQueueConnection(config),
            settings: config.worker,
            configFile: options.config,
            env: process.env,
            baseOverrides,
            logger,
          }),
        logger,
      );
    }),
  );
}
