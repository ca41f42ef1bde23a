/**
 * The worker's Prometheus metrics (prom-client): jobs done and failed, rows in and out, job seconds, jobs
 * running here, and the queue's depth by state (read from the queue tables on each scrape).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type QueueDepthReader = () => Promise<Record<string, number>>;

export interface WorkerMetrics {
  registry: Registry;
  jobsDone: Counter;
  jobsFailed: Counter<"final">;
  inputRows: Counter;
  outputRows: Counter;
  jobSeconds: Histogram<"outcome">;
  jobsRunning: Gauge;
}

const PREFIX = "ocp_aggregator_";

export function createWorkerMetrics(readQueueDepth: QueueDepthReader): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const jobsDone = new Counter({
    name: `${PREFIX}jobs_done_total`,
    help: "Summary jobs completed by this worker",
    registers: [registry],
  });
  const jobsFailed = new Counter({
    name: `${PREFIX}jobs_failed_total`,
    help: "Failed job attempts of this worker; final=true when no retry is left",
    labelNames: ["final"] as const,
    registers: [registry],
  });
  const inputRows = new Counter({
    name: `${PREFIX}input_rows_total`,
    help: "Parquet rows read by completed jobs",
    registers: [registry],
  });
  const outputRows = new Counter({
    name: `${PREFIX}output_rows_total`,
    help: "Summary rows written by completed jobs",
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: `${PREFIX}job_seconds`,
    help: "Wall time of job attempts, including any wait for an earlier job of the same source/month",
    labelNames: ["outcome"] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  const jobsRunning = new Gauge({
    name: `${PREFIX}jobs_running`,
    help: "Jobs this worker is running now",
    registers: [registry],
  });
  new Gauge({
    name: `${PREFIX}queue_jobs`,
    help: "Summary jobs in the queue by state (created and retry are waiting)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const depth = await readQueueDepth();
      this.reset();
      for (const [state, count] of Object.entries(depth)) this.set({ state }, count);
    },
  });
  return { registry, jobsDone, jobsFailed, inputRows, outputRows, jobSeconds, jobsRunning };
}
