/**
 * A worker process: N pg-boss polling loops on the summary queue, each running one job at a time, plus the
 * metrics/health server. stop() stops fetching, lets running jobs finish within the grace period and hands
 * any still running back to the queue (pg-boss fails them into the retry state), then closes everything.
 */
import { hostname } from "node:os";
import type { JobResult, JobWithMetadata, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { ConfigOverrides } from "../config/index.js";
import { openBoss } from "./boss.js";
import { isPermanentFailure, runQueuedJob } from "./job-runner.js";
import { createWorkerMetrics } from "./metrics.js";
import { type MonitoringServer, startMonitoringServer } from "./monitoring-server.js";
import { type QueueConnectionSettings, SUMMARY_QUEUE, type WorkerSettings } from "./queue-settings.js";

export interface SummaryWorkerOptions {
  connection: QueueConnectionSettings;
  settings: WorkerSettings;
  configFile?: string;
  env: NodeJS.ProcessEnv;
  baseOverrides: ConfigOverrides;
  logger: Logger;
}

export interface SummaryWorker {
  /** The port /metrics and /healthz listen on. */
  metricsPort: number;
  /** Idempotent; resolves when the worker has let go of every job and closed its connections. */
  stop(reason: string): Promise<void>;
}

export async function startSummaryWorker(options: SummaryWorkerOptions): Promise<SummaryWorker> {
  const { settings, logger } = options;
  const workerName = `${hostname()}/${process.pid}`;
  const boss = await openBoss({
    connection: options.connection,
    supervise: true,
    maintenanceSeconds: settings.maintenanceSeconds,
    // one connection per polling loop, plus completion, maintenance and metrics
    poolSize: settings.concurrency + 3,
    logger,
    applicationName: "ocp-aggregator-worker",
  });
  let stopping: Promise<void> | null = null;
  let server: MonitoringServer | null = null;
  try {
    const metrics = createWorkerMetrics(() => readQueueDepth(boss, options.connection.schema));
    server = await startMonitoringServer({
      host: settings.metricsHost,
      port: settings.metricsPort,
      registry: metrics.registry,
      health: () => ({
        ok: stopping === null,
        detail: { worker: workerName, concurrency: settings.concurrency, stopping: stopping !== null },
      }),
    });
    const context = {
      configFile: options.configFile,
      env: options.env,
      baseOverrides: options.baseOverrides,
      lockUrl: options.connection.url,
      logger,
      metrics,
      workerName,
    };
    for (let loop = 0; loop < settings.concurrency; loop++) {
      await boss.work(
        SUMMARY_QUEUE,
        {
          batchSize: 1,
          includeMetadata: true,
          pollingIntervalSeconds: settings.pollSeconds,
          perJobResults: true,
        } as const,
        async ([job]: JobWithMetadata<unknown>[]): Promise<JobResult[]> => {
          try {
            return [{ id: job.id, status: "completed", output: await runQueuedJob(context, job) }];
          } catch (error) {
            // Same input, same failure (an empty input, a bad setting): failed for good, not retried.
            if (!isPermanentFailure(error)) throw error;
            const { name, message } = error as Error;
            return [{ id: job.id, status: "deadletter", output: { name, message } }];
          }
        },
      );
    }
    logger.info(
      {
        worker: workerName,
        queue: SUMMARY_QUEUE,
        concurrency: settings.concurrency,
        metrics: `http://${settings.metricsHost}:${server.port}/metrics`,
        metricsPort: server.port,
      },
      "worker ready",
    );
  } catch (error) {
    await server?.close();
    await boss.stop({ graceful: false }).catch(() => {});
    throw error;
  }
  const monitoring = server;
  return {
    metricsPort: monitoring.port,
    stop(reason) {
      stopping ??= (async () => {
        logger.info(
          { reason, graceSeconds: settings.shutdownGraceSeconds },
          "worker stopping: no new jobs; running ones may finish within the grace period",
        );
        // pg-boss waits for running jobs up to the timeout, then fails the rest back to the queue (retry).
        await boss.stop({ graceful: true, timeout: settings.shutdownGraceSeconds * 1000 });
        await monitoring.close();
        logger.info("worker stopped");
      })();
      return stopping;
    },
  };
}

/** Jobs of the summary queue by state; states with no jobs read 0. */
async function readQueueDepth(boss: PgBoss, schema: string): Promise<Record<string, number>> {
  const depth: Record<string, number> = { created: 0, retry: 0, active: 0, failed: 0 };
  const { rows } = await boss
    .getDb()
    .executeSql(
      `SELECT state::text AS state, count(*)::int AS n FROM "${schema}".job WHERE name = $1 GROUP BY state`,
      [SUMMARY_QUEUE],
    );
  for (const row of rows as { state: string; n: number }[]) depth[row.state] = row.n;
  return depth;
}
