/**
 * Settings of the job queue and the worker: command-line option, else environment variable, else default.
 * They live here rather than in the run config because only `submit` and `worker` use them.
 */
import { UsageError } from "../config/errors.js";

/** The one pg-boss queue all summary jobs go to. */
export const SUMMARY_QUEUE = "ocp-daily-summary";

export interface QueueConnectionSettings {
  /** PostgreSQL holding the queue tables; default: the output database. */
  url: string;
  /** Schema of pg-boss's tables. */
  schema: string;
}

export interface JobPolicySettings {
  /** Attempts after the first before a job is left failed. */
  retryLimit: number;
  /** First retry delay; doubles per attempt (with jitter). */
  retryDelaySeconds: number;
  /** A job still active after this long is failed (and retried): how a crashed worker's job comes back. */
  timeoutSeconds: number;
}

export interface WorkerSettings {
  concurrency: number;
  metricsHost: string;
  /** 0 picks a free port (tests); the bound port is logged. */
  metricsPort: number;
  pollSeconds: number;
  /** How often one of the workers looks for timed-out jobs. */
  maintenanceSeconds: number;
  /** On SIGTERM, how long running jobs may take to finish before they are handed back to the queue. */
  shutdownGraceSeconds: number;
}

type Source = Record<string, string | undefined>;

export const QUEUE_ENV = {
  url: "OCP_AGG_QUEUE_URL",
  schema: "OCP_AGG_QUEUE_SCHEMA",
  retryLimit: "OCP_AGG_JOB_RETRY_LIMIT",
  retryDelaySeconds: "OCP_AGG_JOB_RETRY_DELAY_SECONDS",
  timeoutSeconds: "OCP_AGG_JOB_TIMEOUT_SECONDS",
  concurrency: "OCP_AGG_WORKER_CONCURRENCY",
  metricsHost: "OCP_AGG_METRICS_HOST",
  metricsPort: "OCP_AGG_METRICS_PORT",
  pollSeconds: "OCP_AGG_POLL_SECONDS",
  maintenanceSeconds: "OCP_AGG_MAINTENANCE_SECONDS",
  shutdownGraceSeconds: "OCP_AGG_SHUTDOWN_GRACE_SECONDS",
} as const;

export const QUEUE_DEFAULTS = {
  schema: "pgboss",
  retryLimit: 3,
  retryDelaySeconds: 30,
  timeoutSeconds: 900,
  concurrency: 1,
  metricsHost: "0.0.0.0",
  metricsPort: 9464,
  pollSeconds: 2,
  maintenanceSeconds: 30,
  shutdownGraceSeconds: 25,
} as const;

function pick(option: string | undefined, env: Source, name: keyof typeof QUEUE_ENV): string | undefined {
  if (option !== undefined && option !== "") return option;
  const fromEnv = env[QUEUE_ENV[name]];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

function integer(
  text: string | undefined,
  name: keyof typeof QUEUE_ENV,
  fallback: number,
  min: number,
  max = 1_000_000,
): number {
  if (text === undefined) return fallback;
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} (${QUEUE_ENV[name]}): expected an integer ${min}..${max}, got "${text}"`);
  }
  return value;
}

export interface QueueOptionText {
  queueUrl?: string;
  queueSchema?: string;
}

export function resolveQueueConnection(
  options: QueueOptionText,
  env: Source,
  databaseUrl: string | null,
): QueueConnectionSettings {
  const url = pick(options.queueUrl, env, "url") ?? databaseUrl;
  if (!url) {
    throw new UsageError(
      `the job queue needs PostgreSQL: give --queue-url (${QUEUE_ENV.url}) or --database-url (DATABASE_URL); ` +
        "the embedded PostgreSQL is private to one process",
    );
  }
  const schema = pick(options.queueSchema, env, "schema") ?? QUEUE_DEFAULTS.schema;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new UsageError(`queue schema "${schema}": use lower-case letters, digits and _`);
  }
  return { url, schema };
}

export interface JobPolicyOptionText {
  retryLimit?: string;
  retryDelaySeconds?: string;
  jobTimeoutSeconds?: string;
}

export function resolveJobPolicy(options: JobPolicyOptionText, env: Source): JobPolicySettings {
  return {
    retryLimit: integer(
      pick(options.retryLimit, env, "retryLimit"),
      "retryLimit",
      QUEUE_DEFAULTS.retryLimit,
      0,
      100,
    ),
    retryDelaySeconds: integer(
      pick(options.retryDelaySeconds, env, "retryDelaySeconds"),
      "retryDelaySeconds",
      QUEUE_DEFAULTS.retryDelaySeconds,
      0,
    ),
    // pg-boss refuses expirations of 24 hours or more.
    timeoutSeconds: integer(
      pick(options.jobTimeoutSeconds, env, "timeoutSeconds"),
      "timeoutSeconds",
      QUEUE_DEFAULTS.timeoutSeconds,
      1,
      86_399,
    ),
  };
}

export interface WorkerOptionText {
  concurrency?: string;
  metricsHost?: string;
  metricsPort?: string;
  pollSeconds?: string;
  maintenanceSeconds?: string;
  shutdownGraceSeconds?: string;
}

export function resolveWorkerSettings(options: WorkerOptionText, env: Source): WorkerSettings {
  return {
    concurrency: integer(
      pick(options.concurrency, env, "concurrency"),
      "concurrency",
      QUEUE_DEFAULTS.concurrency,
      1,
      64,
    ),
    metricsHost: pick(options.metricsHost, env, "metricsHost") ?? QUEUE_DEFAULTS.metricsHost,
    metricsPort: integer(
      pick(options.metricsPort, env, "metricsPort"),
      "metricsPort",
      QUEUE_DEFAULTS.metricsPort,
      0,
      65_535,
    ),
    pollSeconds: integer(
      pick(options.pollSeconds, env, "pollSeconds"),
      "pollSeconds",
      QUEUE_DEFAULTS.pollSeconds,
      1,
      3600,
    ),
    maintenanceSeconds: integer(
      pick(options.maintenanceSeconds, env, "maintenanceSeconds"),
      "maintenanceSeconds",
      QUEUE_DEFAULTS.maintenanceSeconds,
      1,
      3600,
    ),
    shutdownGraceSeconds: integer(
      pick(options.shutdownGraceSeconds, env, "shutdownGraceSeconds"),
      "shutdownGraceSeconds",
      QUEUE_DEFAULTS.shutdownGraceSeconds,
      1,
      3600,
    ),
  };
}
