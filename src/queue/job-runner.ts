/**
 * One attempt of one queued job: payload → config (the worker's config with the job's fields on top) →
 * the job's run (summary or OCP on AWS, run-payload.ts) under the source/month lock → metrics and a log line carrying the job id.
 * The returned summary becomes the job's output in the queue; a thrown error is kept there by pg-boss.
 */
import type { Logger } from "pino";
import { ConfigError, type ConfigOverrides, loadConfig } from "../config/index.js";
import { EmptyInputError } from "../run/empty-input.js";
import { withRunLock } from "./job-lock.js";
import { InvalidJobPayloadError, mergeOverrides } from "./job-payload.js";
import type { WorkerMetrics } from "./metrics.js";
import { parseQueuedJobPayload, queuedLockKey, queuedOverrides, queuedRunKey } from "./queued-job.js";
import { runJobPayload } from "./run-payload.js";

export interface QueuedJob {
  id: string;
  data: unknown;
  /** Attempts before this one. */
  retryCount: number;
  retryLimit: number;
  /** Aborted by pg-boss when it has failed this attempt (timeout, shutdown grace over, claim lost). */
  signal?: AbortSignal;
}

export interface JobRunnerContext {
  /** The worker's YAML config file, environment and command-line overrides: the base of every job. */
  configFile?: string;
  env: NodeJS.ProcessEnv;
  baseOverrides: ConfigOverrides;
  /** Where the per-source/month locks live (the queue's database, shared by every worker). */
  lockUrl: string;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Names the worker in job outputs: host and pid. */
  workerName: string;
}

/** Same input, same failure: an empty input, a bad setting or a malformed job is not retried (no retry storm). */
export function isPermanentFailure(error: unknown): boolean {
  return (
    error instanceof EmptyInputError ||
    error instanceof ConfigError ||
    error instanceof InvalidJobPayloadError
  );
}

export interface JobOutput {
  worker: string;
  attempt: number;
  inputRows: number;
  outputRows: number;
  deletedRows: number;
  seconds: number;
  /** CPU seconds of the worker process during the job (exactly the job's own at concurrency 1). */
  cpuSeconds: number;
  /** Where the time went (list, read, aggregate, finish, write): the run report's phases. */
  phases: Record<string, number>;
}

export async function runQueuedJob(context: JobRunnerContext, job: QueuedJob): Promise<JobOutput> {
  const attempt = job.retryCount + 1;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const jobLogger = context.logger.child({ jobId: job.id, attempt });
  const { metrics } = context;
  metrics.jobsRunning.inc();
  try {
    const payload = parseQueuedJobPayload(job.data);
    const log = jobLogger.child({ run: queuedRunKey(payload) });
    const config = loadConfig({
      file: context.configFile,
      env: context.env,
      overrides: mergeOverrides(context.baseOverrides, queuedOverrides(payload)),
      onWarning: (warning) => log.warn(warning),
    });
    if (!config.database.url)
      throw new Error("no output database URL: workers need DATABASE_URL or --database-url");
    log.info({ input: config.input, attemptsLeft: job.retryLimit - job.retryCount }, "job started");
    const report = await withRunLock(
      context.lockUrl,
      queuedLockKey(payload),
      () => log.info("waiting for an earlier job of the same source/month"),
      () => runJobPayload(config, payload, log),
      job.signal,
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    metrics.jobsDone.inc();
    metrics.inputRows.inc(report.inputRows);
    metrics.outputRows.inc(report.outputRows);
    metrics.jobSeconds.observe({ outcome: "done" }, seconds);
    log.info(
      {
        inputRows: report.inputRows,
        outputRows: report.outputRows,
        deletedRows: report.deletedRows,
        seconds: Number(seconds.toFixed(3)),
        cpuSeconds: Number(cpuSeconds.toFixed(3)),
      },
      "job done",
    );
    return {
      worker: context.workerName,
      attempt,
      inputRows: report.inputRows,
      outputRows: report.outputRows,
      deletedRows: report.deletedRows,
      seconds: Number(seconds.toFixed(3)),
      cpuSeconds: Number(cpuSeconds.toFixed(3)),
      phases: Object.fromEntries(
        Object.entries(report.phases).map(([phase, s]) => [phase, Number(s.toFixed(3))]),
      ),
    };
  } catch (error) {
    // The worker fails these for good (pg-boss `deadletter`), without the retries.
    const permanent = isPermanentFailure(error);
    const final = permanent || job.retryCount >= job.retryLimit;
    metrics.jobsFailed.inc({ final: String(final) });
    metrics.jobSeconds.observe({ outcome: "failed" }, (performance.now() - started) / 1000);
    jobLogger.error(
      { err: error, willRetry: !final },
      permanent
        ? "job failed; retrying cannot change this, so it is not retried"
        : final
          ? "job failed, no retry left"
          : "job attempt failed, will retry",
    );
    throw error;
  } finally {
    metrics.jobsRunning.dec();
  }
}
