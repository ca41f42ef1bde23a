/**
 * The queue's pure parts: job payload validation and keys, config overrides, queue/job/worker settings as
 * keys of the config table (YAML, env, options), jobs files, the metrics/health server.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { registerQueueCommands } from "../../src/cli/commands/queue.js";
import { loadConfig } from "../../src/config/index.js";
import {
  dedupeKey,
  mergeOverrides,
  parseSummaryJobPayload,
  payloadOverrides,
  readJobsFile,
  resolveQueueConnection,
  runKey,
} from "../../src/queue/index.js";
import { isPermanentFailure } from "../../src/queue/job-runner.js";
import { createWorkerMetrics } from "../../src/queue/metrics.js";
import { startMonitoringServer } from "../../src/queue/monitoring-server.js";
import { parseQueuedJobPayload } from "../../src/queue/queued-job.js";

const SOURCE = "6e1ad9b0-3b2a-4b8e-9a0f-1d2c3b4a5e6f";
const dir = mkdtempSync(join(tmpdir(), "ocp-agg-queue-units-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("job payload", () => {
  it("a malformed payload fails the job for good: no retry can fix it", () => {
    for (const payload of [
      { sourceUuid: SOURCE, year: 2025, month: 13 },
      { kind: "ocp-on-gcp", sourceUuid: SOURCE },
      { kind: "ocp-on-aws", sourceUuid: SOURCE },
      null,
    ]) {
      let failure: unknown;
      try {
        parseQueuedJobPayload(payload);
      } catch (error) {
        failure = error;
      }
      expect(failure, JSON.stringify(payload)).toBeInstanceOf(Error);
      expect(isPermanentFailure(failure), JSON.stringify(payload)).toBe(true);
    }
    expect(isPermanentFailure(new Error("connection refused"))).toBe(false);
  });

  it("accepts a source/month with an optional day range and names bad fields", () => {
    const job = parseSummaryJobPayload({ sourceUuid: SOURCE, year: 2025, month: 2, startDate: "2025-02-03" });
    expect(job.startDate).toBe("2025-02-03");
    expect(() => parseSummaryJobPayload({ sourceUuid: SOURCE, year: 2025, month: 13 })).toThrow(/month/);
    expect(() => parseSummaryJobPayload({ sourceUuid: "not-a-uuid", year: 2025, month: 2 })).toThrow(
      /sourceUuid: expected the source uuid \(a uuid\)/,
    );
    expect(
      parseSummaryJobPayload({ sourceUuid: SOURCE, year: 2025, month: 2, allowEmpty: true }).allowEmpty,
    ).toBe(true);
    expect(() =>
      parseSummaryJobPayload({ sourceUuid: SOURCE, year: 2025, month: 2, startDate: "2025-03-01" }),
    ).toThrow(/startDate: must lie in 2025-02/);
    expect(() =>
      parseSummaryJobPayload({ sourceUuid: SOURCE, year: 2025, month: 2, endDate: "2025-02-30" }),
    ).toThrow(/endDate/);
    expect(() =>
      parseSummaryJobPayload({
        sourceUuid: SOURCE,
        year: 2025,
        month: 2,
        startDate: "2025-02-10",
        endDate: "2025-02-09",
      }),
    ).toThrow(/not be before startDate/);
    // no unknown fields: a typo must not silently summarise the whole month
    expect(() =>
      parseSummaryJobPayload({ sourceUuid: SOURCE, year: 2025, month: 2, start_date: "x" }),
    ).toThrow(/start_date|unrecognized/i);
  });

  it("keys runs by source/month and de-duplicates by day range too", () => {
    const month = parseSummaryJobPayload({ sourceUuid: SOURCE, year: 2025, month: 2 });
    const days = parseSummaryJobPayload({ ...month, startDate: "2025-02-01", endDate: "2025-02-05" });
    expect(runKey(month)).toBe(`${SOURCE}/2025-02`);
    expect(runKey(days)).toBe(runKey(month));
    expect(dedupeKey(month)).toBe(`${SOURCE}/2025-02/first..last`);
    expect(dedupeKey(days)).not.toBe(dedupeKey(month));
  });

  it("becomes config overrides on top of the worker's own", () => {
    const job = parseSummaryJobPayload({
      sourceUuid: SOURCE,
      year: 2025,
      month: 2,
      endDate: "2025-02-05",
      input: "/data/koku",
      orgId: "org1",
      reportPeriodId: 7,
    });
    const overrides = mergeOverrides(
      {
        input: "/other",
        database: { url: "postgres://u@h/db", schema: "kept" },
        performance: { mode: "in-memory" },
      },
      payloadOverrides(job),
    );
    const config = loadConfig({ env: {}, overrides });
    expect(config.input).toBe("/data/koku");
    expect(config.run).toMatchObject({ sourceUuid: SOURCE, year: 2025, month: 2, endDate: "2025-02-05" });
    expect(config.run.reportPeriodId).toBe(7);
    expect(config.database).toMatchObject({ url: "postgres://u@h/db", schema: "kept" });
    expect(config.performance.mode).toBe("in-memory");
  });
});

describe("queue settings", () => {
  it("are keys of the config table: YAML < environment < options, checked, defaults stated", () => {
    const yamlFile = join(dir, "queue.yaml");
    writeFileSync(
      yamlFile,
      "queue: {schema: jobs_yaml}\njob: {retry_limit: 5, heartbeat_seconds: 30}\nworker: {concurrency: 2, poll_seconds: 5}\n",
    );
    const env = {
      OCP_AGG_WORKER_CONCURRENCY: "3",
      OCP_AGG_METRICS_PORT: "9100",
      OCP_AGG_QUEUE_SCHEMA: "jobs",
    };
    const config = loadConfig({ file: yamlFile, env, overrides: { worker: { metricsPort: "0" } } });
    expect(config.worker).toEqual({
      concurrency: 3,
      metricsHost: "0.0.0.0",
      metricsPort: 0,
      pollSeconds: 5,
      maintenanceSeconds: 10,
      shutdownGraceSeconds: 25,
    });
    expect(config.job).toEqual({
      retryLimit: 5,
      retryDelaySeconds: 30,
      timeoutSeconds: 900,
      heartbeatSeconds: 30,
    });
    expect(config.queue).toEqual({ url: null, schema: "jobs" });

    expect(() => loadConfig({ env: { OCP_AGG_WORKER_CONCURRENCY: "0" } })).toThrow(
      /worker\.concurrency.*1\.\.64.*OCP_AGG_WORKER_CONCURRENCY/s,
    );
    expect(() => loadConfig({ env: {}, overrides: { job: { timeoutSeconds: "90000" } } })).toThrow(
      /job\.timeout_seconds/,
    );
    // pg-boss refuses heartbeats under 10 s
    expect(() => loadConfig({ env: { OCP_AGG_JOB_HEARTBEAT_SECONDS: "5" } })).toThrow(
      /job\.heartbeat_seconds/,
    );
    expect(() => loadConfig({ env: {}, overrides: { queue: { schema: "Bad-Name" } } })).toThrow(
      /queue\.schema/,
    );
  });

  it("put the queue in the output database unless queue.url names another; never the embedded one", () => {
    const withDb = loadConfig({ env: { DATABASE_URL: "postgres://db" } });
    expect(resolveQueueConnection(withDb)).toEqual({ url: "postgres://db", schema: "pgboss" });
    const withQueue = loadConfig({
      env: { DATABASE_URL: "postgres://db", OCP_AGG_QUEUE_URL: "postgres://q" },
    });
    expect(resolveQueueConnection(withQueue).url).toBe("postgres://q");
    expect(() => resolveQueueConnection(loadConfig({ env: {} }))).toThrow(/--queue-url/);
  });

  it("are offered only where they act: job policy on submit, worker settings on worker", () => {
    const program = new Command();
    registerQueueCommands(program);
    const optionsOf = (name: string) =>
      new Set(program.commands.find((c) => c.name() === name)?.options.map((o) => o.long));
    const jobOptions = [
      "--retry-limit",
      "--retry-delay-seconds",
      "--job-timeout-seconds",
      "--job-heartbeat-seconds",
    ];
    const workerOptions = [
      "--concurrency",
      "--poll-seconds",
      "--maintenance-seconds",
      "--shutdown-grace-seconds",
    ];
    for (const option of jobOptions) {
      expect(optionsOf("submit").has(option), option).toBe(true);
      // a worker cannot change what queued jobs carry, so it does not pretend to
      expect(optionsOf("worker").has(option), option).toBe(false);
    }
    for (const option of workerOptions) {
      expect(optionsOf("worker").has(option), option).toBe(true);
      expect(optionsOf("submit").has(option), option).toBe(false);
    }
  });
});

describe("jobs file", () => {
  it("reads a YAML or JSON list (or {jobs: [...]}) and refuses anything else", () => {
    const yamlFile = join(dir, "jobs.yaml");
    writeFileSync(yamlFile, `- sourceUuid: ${SOURCE}\n  year: 2025\n  month: 1\n`);
    expect(readJobsFile(yamlFile)).toEqual([{ sourceUuid: SOURCE, year: 2025, month: 1 }]);
    const jsonFile = join(dir, "jobs.json");
    writeFileSync(jsonFile, JSON.stringify({ jobs: [{ sourceUuid: SOURCE, year: 2025, month: 3 }] }));
    expect(readJobsFile(jsonFile)[0].month).toBe(3);
    const empty = join(dir, "empty.yaml");
    writeFileSync(empty, "[]\n");
    expect(() => readJobsFile(empty)).toThrow(/non-empty list/);
    const scalar = join(dir, "scalar.yaml");
    writeFileSync(scalar, "- 3\n");
    expect(() => readJobsFile(scalar)).toThrow(/entry 1 is not an object/);
    expect(() => readJobsFile(join(dir, "missing.yaml"))).toThrow(/missing\.yaml/);
  });
});

describe("metrics and health server", () => {
  it("serves Prometheus text with the queue depth, and health that turns 503 when stopping", async () => {
    const metrics = createWorkerMetrics(async () => ({ created: 4, retry: 1, active: 2, failed: 0 }));
    metrics.jobsDone.inc(3);
    metrics.inputRows.inc(1000);
    metrics.jobsFailed.inc({ final: "true" });
    let ok = true;
    const server = await startMonitoringServer({
      host: "127.0.0.1",
      port: 0,
      registry: metrics.registry,
      health: () => ({ ok, detail: { worker: "test" } }),
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain("ocp_aggregator_jobs_done_total 3");
      expect(text).toContain("ocp_aggregator_input_rows_total 1000");
      expect(text).toContain('ocp_aggregator_jobs_failed_total{final="true"} 1');
      expect(text).toContain('ocp_aggregator_queue_jobs{state="created"} 4');
      expect(text).toContain("ocp_aggregator_process_resident_memory_bytes");
      const healthy = await fetch(`${base}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({ status: "ok", worker: "test" });
      ok = false;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it("answers 500 when the queue depth cannot be read", async () => {
    const metrics = createWorkerMetrics(async () => {
      throw new Error("queue database down");
    });
    const server = await startMonitoringServer({
      host: "127.0.0.1",
      port: 0,
      registry: metrics.registry,
      health: () => ({ ok: true, detail: {} }),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(500);
      expect(await response.text()).toContain("queue database down");
    } finally {
      await server.close();
    }
  });
});
