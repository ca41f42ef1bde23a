/**
 * The pg-boss instance of a process: its tables in the queue schema (created or migrated on first start,
 * safe with many processes starting at once) and the summary queue with its policy.
 */
import { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { UsageError } from "../config/errors.js";
import { type JobPolicySettings, type QueueConnectionSettings, SUMMARY_QUEUE } from "./queue-settings.js";

export interface OpenBossOptions {
  connection: QueueConnectionSettings;
  /** Workers supervise (expire timed-out jobs, archive old ones); `submit` only sends. */
  supervise: boolean;
  maintenanceSeconds?: number;
  /** Pool size of the queue connection (fetch, complete, fail, metrics). */
  poolSize?: number;
  /**
   * Queue defaults, used only when this call creates the queue; each submitted job carries its own, so a
   * worker passes none.
   */
  policy?: JobPolicySettings;
  logger: Logger;
  applicationName: string;
}

export async function openBoss(options: OpenBossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: options.connection.url,
    schema: options.connection.schema,
    application_name: options.applicationName,
    max: options.poolSize ?? 4,
    migrate: true,
    supervise: options.supervise,
    schedule: false,
    // pg-boss checks `key in options`: an undefined value must be left out, not passed. Expired and
    // heartbeat-lost jobs are failed by the supervisor's monitor pass, as often as the longer of these two.
    ...(options.maintenanceSeconds === undefined
      ? {}
      : {
          superviseIntervalSeconds: options.maintenanceSeconds,
          monitorIntervalSeconds: options.maintenanceSeconds,
        }),
  });
  // Without a listener an 'error' event would end the process; pg-boss retries its loops by itself.
  boss.on("error", (error: Error) => options.logger.warn({ err: error }, "job queue error"));
  try {
    await boss.start();
  } catch (error) {
    throw explainStartFailure(error, options.connection.schema);
  }
  try {
    await boss.createQueue(SUMMARY_QUEUE, {
      // 'short': at most one *waiting* job per key; a submit while one waits is coalesced into it.
      policy: "short",
      ...(options.policy
        ? {
            retryLimit: options.policy.retryLimit,
            retryDelay: options.policy.retryDelaySeconds,
            retryBackoff: true,
            expireInSeconds: options.policy.timeoutSeconds,
            heartbeatSeconds: options.policy.heartbeatSeconds,
          }
        : {}),
    });
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw error;
  }
  return boss;
}

/**
 * pg-boss 12 migrates tables of pg-boss 11 and later only; on a pg-boss 10 queue (schema version 24) it stops,
 * changing nothing. Say what to do about it (docs/scale-out.md, "Upgrading a queue made by pg-boss 10").
 */
function explainStartFailure(error: unknown, schema: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (!/Cannot migrate pg-boss schema from version/.test(message)) return error;
  return new UsageError(
    `the job queue in schema "${schema}" was made by an older pg-boss (${message.split(":")[0]}); nothing ` +
      "was changed. Let the old workers finish its jobs, then use another queue schema (--queue-schema, " +
      `OCP_AGG_QUEUE_SCHEMA) or drop "${schema}" (see docs/scale-out.md, upgrading a queue made by pg-boss 10)`,
  );
}
