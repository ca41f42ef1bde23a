/**
 * Settings of the job queue, of each job and of a worker. They are keys of the one configuration table
 * (config/keys.ts: queue.*, job.*, worker.*; YAML, environment, options); this module only names the queue
 * and resolves the one setting with a rule beyond its key: where the queue lives.
 */
import { UsageError } from "../config/errors.js";
import type { AppConfig } from "../config/schema.js";

/** The one pg-boss queue all summary jobs go to. */
export const SUMMARY_QUEUE = "ocp-daily-summary";

export interface QueueConnectionSettings {
  /** PostgreSQL holding the queue tables; default: the output database. */
  url: string;
  /** Schema of pg-boss's tables. */
  schema: string;
}

/**
 * What each job carries from `submit`: retries, the retry delay (doubling per attempt, with jitter), the
 * longest an attempt may run, and the heartbeat interval after which a silent (killed) worker's job is retried.
 */
export type JobPolicySettings = AppConfig["job"];

/** A worker process: parallel jobs, the metrics server, polling, supervision and the SIGTERM grace period. */
export type WorkerSettings = AppConfig["worker"];

export function resolveQueueConnection(config: AppConfig): QueueConnectionSettings {
  const url = config.queue.url ?? config.database.url;
  if (!url) {
    throw new UsageError(
      "the job queue needs PostgreSQL: give --queue-url (OCP_AGG_QUEUE_URL, queue.url) or --database-url " +
        "(DATABASE_URL); the embedded PostgreSQL is private to one process",
    );
  }
  return { url, schema: config.queue.schema };
}
