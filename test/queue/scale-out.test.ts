/**
 * Scale-out end to end on 127.0.0.1: worker processes of the built CLI on a pg-boss queue in a throw-away
 * PostgreSQL. 12 jobs over generated datasets, one worker SIGKILLed mid-job: its job comes back through the
 * lost heartbeat (long before its timeout), every job completes and every source/month's rows equal a
 * single-process run. A job on bad input ends failed with its error after the
 * retry limit while others finish. SIGTERM lets a running job finish, then the worker exits cleanly.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig, UsageError } from "../../src/config/index.js";
import {
  type JobStatus,
  jobStatus,
  mergeOverrides,
  openBoss,
  payloadOverrides,
  runKey,
  SUMMARY_QUEUE,
  type SummaryJobPayload,
  submitSummaryJobs,
  waitForJobs,
} from "../../src/queue/index.js";
import { withRunLock } from "../../src/queue/job-lock.js";
import { runAggregateJob } from "../../src/run/job.js";
import { seedReferenceData } from "../../src/sink/reference-tables.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { type BuiltCli, buildCli } from "../helpers/dist.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { readSummaryRows } from "../helpers/summary-db.js";
import { generateDatasets, jobFor, type TestDataset, writeCorruptInput } from "./datasets.js";
import { counter, metricsOf } from "./worker-metrics.js";
import { type CliProcess, startCli } from "./worker-process.js";

const logger = createLogger({ level: "error", format: "json" });
const BASELINE_SCHEMA = "baseline";
/** pg-boss's minimum: a killed worker's job is failed (to be retried) this long after its last heartbeat. */
const HEARTBEAT_SECONDS = 10;
/** Far longer than any wait below: a job that comes back did so through its heartbeat, not its timeout. */
const KILLED_JOB_TIMEOUT_SECONDS = 900;
/** For jobs no worker dies on: room for a slow, busy machine. */
const RELAXED_TIMEOUT_SECONDS = 120;

let db: TestPostgres;
let client: pg.Client;
let cli: BuiltCli;
let boss: PgBoss;
let root: string;
let datasets: TestDataset[];
let jobs: SummaryJobPayload[];
let outputSchema: string;
const workers: CliProcess[] = [];

function workerEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, OCP_AGG_LOG_LEVEL: "info" };
}

function startWorker(name: string, extra: string[] = []): CliProcess {
  const worker = startCli(
    name,
    cli.mainJs,
    [
      "worker",
      "--metrics-host",
      "127.0.0.1",
      "--metrics-port",
      "0",
      "--poll-seconds",
      "1",
      "--maintenance-seconds",
      "1",
      ...extra,
    ],
    workerEnv(),
  );
  workers.push(worker);
  return worker;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ocp-agg-queue-"));
  [cli, db] = await Promise.all([buildCli(), startTestPostgres()]);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // The first dataset is bigger, so the worker killed on its first job is surely still running it.
  const big = { nodes: 12, podsPerNode: 30, days: 10 };
  const small = { nodes: 2, podsPerNode: 6, days: 2 };
  datasets = await generateDatasets(root, [big, ...Array.from({ length: 11 }, () => small)]);
  jobs = datasets.map(jobFor);
  outputSchema = datasets[0].params.run.orgId as string;
  for (const schema of [outputSchema, BASELINE_SCHEMA]) {
    await seedReferenceData(client, schema, datasets[0].params.reference);
  }
  boss = await openBoss({
    connection: { url: db.url, schema: "pgboss" },
    supervise: false,
    policy: {
      retryLimit: 2,
      retryDelaySeconds: 1,
      timeoutSeconds: RELAXED_TIMEOUT_SECONDS,
      heartbeatSeconds: 20,
    },
    logger,
    applicationName: "queue-test",
  });
});

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  await Promise.all(workers.map((worker) => worker.exited));
  await boss?.stop({ graceful: false }).catch(() => {});
  await client?.end();
  await db?.stop();
  cli?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("queue semantics without workers", () => {
  it("refuses a queue schema made by pg-boss 10, changing nothing, and says what to do", async () => {
    // what pg-boss 12 reads of a pg-boss 10 installation: its version table at schema version 24
    await client.query("CREATE SCHEMA legacy_boss");
    await client.query(
      "CREATE TABLE legacy_boss.version (version int PRIMARY KEY, maintained_on timestamptz)",
    );
    await client.query("INSERT INTO legacy_boss.version (version) VALUES (24)");
    const opening = openBoss({
      connection: { url: db.url, schema: "legacy_boss" },
      supervise: false,
      logger,
      applicationName: "queue-test-legacy",
    });
    await expect(opening).rejects.toThrow(UsageError);
    await expect(opening).rejects.toThrow(/older pg-boss .*--queue-schema.*drop "legacy_boss"/s);
    const { rows } = await client.query(
      "SELECT (SELECT version FROM legacy_boss.version) AS version, " +
        "(SELECT count(*)::int FROM pg_tables WHERE schemaname = 'legacy_boss') AS tables",
    );
    expect(rows[0]).toEqual({ version: 24, tables: 1 });
    await client.query("DROP SCHEMA legacy_boss CASCADE");
  });

  it("coalesces a submit into an identical job that still waits; a cancelled one no longer counts", async () => {
    const firstDay = `${jobs[5].year}-${String(jobs[5].month).padStart(2, "0")}-01`;
    const oneDay: SummaryJobPayload = { ...jobs[5], startDate: firstDay, endDate: firstDay };
    const policy = { retryLimit: 0, retryDelaySeconds: 1, timeoutSeconds: 60, heartbeatSeconds: 20 };
    const [first] = await submitSummaryJobs(boss, [oneDay], policy);
    const [second] = await submitSummaryJobs(boss, [oneDay], policy);
    expect(first.id).toEqual(expect.any(String));
    expect(second.id).toBeNull();
    expect(second.key).toBe(first.key);
    await boss.cancel(SUMMARY_QUEUE, first.id as string);
    const [third] = await submitSummaryJobs(boss, [oneDay], policy);
    expect(third.id).toEqual(expect.any(String));
    await boss.cancel(SUMMARY_QUEUE, third.id as string);
  });

  it("runs one job per source/month at a time: a second one waits for the first", async () => {
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = withRunLock(
      db.url,
      "source-a/2025-01",
      () => order.push("first waits"),
      async () => {
        order.push("first runs");
        await held;
        order.push("first ends");
      },
    );
    await until(() => order.includes("first runs"));
    const second = withRunLock(
      db.url,
      "source-a/2025-01",
      () => order.push("second waits"),
      async () => {
        order.push("second runs");
      },
    );
    const other = withRunLock(
      db.url,
      "source-b/2025-01",
      () => order.push("other waits"),
      async () => {
        order.push("other runs");
      },
    );
    await other;
    await until(() => order.includes("second waits"));
    // another source/month runs at once; the same one waits
    expect([...order].sort()).toEqual(["first runs", "other runs", "second waits"]);
    release();
    await Promise.all([first, second]);
    expect(order.slice(3)).toEqual(["first ends", "second runs"]);
  });
});

describe("workers on the job queue", () => {
  it("completes 12 jobs on 3 workers with one SIGKILLed mid-job; rows equal a single-process run", async () => {
    expect(new Set(jobs.map((j) => `${j.sourceUuid}/${j.month}`)).size).toBe(12);
    const victim = startWorker("worker-a");
    await victim.waitForLog((line) => line.msg === "worker ready");

    // Submit through the CLI, as a CronJob would: the big job first, so the only worker takes it.
    const jobsFile = join(root, "jobs.json");
    writeFileSync(jobsFile, JSON.stringify(jobs));
    const submit = startCli(
      "submit",
      cli.mainJs,
      [
        "submit",
        "--jobs",
        jobsFile,
        "--json",
        "--retry-limit",
        "5",
        "--retry-delay-seconds",
        "1",
        "--job-timeout-seconds",
        String(KILLED_JOB_TIMEOUT_SECONDS),
        "--job-heartbeat-seconds",
        String(HEARTBEAT_SECONDS),
      ],
      workerEnv(),
    );
    expect(await submit.exited).toEqual({ code: 0, signal: null });
    const submitted = JSON.parse(submit.stdout.join("\n")).submitted as { id: string | null; key: string }[];
    expect(submitted).toHaveLength(12);
    const ids = submitted.map((s) => s.id as string);
    expect(ids.every((id) => typeof id === "string")).toBe(true);

    const started = await victim.waitForLog((line) => line.msg === "job started");
    victim.kill("SIGKILL");
    const killedAt = Date.now();
    expect((await victim.exited).signal).toBe("SIGKILL");
    expect(victim.logs.some((line) => line.msg === "job done")).toBe(false);
    const killedJob = started.jobId as string;
    expect(killedJob).toBe(ids[0]);

    const others = [
      startWorker("worker-b", ["--concurrency", "2"]),
      startWorker("worker-c", ["--concurrency", "2"]),
    ];
    const ended = await waitForJobs(boss, ids, { timeoutMs: 180_000, pollMs: 500 });
    expect(ended.map((s) => s.state)).toEqual(ids.map(() => "completed"));
    const killed = ended.find((s) => s.id === killedJob) as JobStatus;
    // failed when its heartbeat stopped, then retried by another worker: the attempt that completed began
    // seconds after the kill, not after the 900 s timeout
    expect(killed.retryCount).toBeGreaterThanOrEqual(1);
    const [retried] = await boss.findJobs(SUMMARY_QUEUE, { id: killedJob });
    const backAfterSeconds = (retried.startedOn.getTime() - killedAt) / 1000;
    console.info(`the killed worker's job was retried ${backAfterSeconds.toFixed(1)} s after the SIGKILL`);
    expect(backAfterSeconds).toBeGreaterThan(0);
    expect(backAfterSeconds).toBeLessThan(HEARTBEAT_SECONDS + 40);
    expect((killed.output as { worker: string }).worker).not.toContain(`/${victim.child.pid}`);

    for (const job of jobs) {
      const baselineConfig = loadConfig({
        env: {},
        overrides: mergeOverrides(payloadOverrides(job), {
          database: { url: db.url, schema: BASELINE_SCHEMA },
        }),
      });
      await runAggregateJob(baselineConfig, { logger });
      const fromQueue = await readSummaryRows(client, outputSchema, job.sourceUuid);
      const single = await readSummaryRows(client, BASELINE_SCHEMA, job.sourceUuid);
      expect(fromQueue.length).toBeGreaterThan(0);
      const comparison = compareRowSets(fromQueue, single);
      expect(comparison.equal, comparison.report).toBe(true);
    }

    const texts = await Promise.all(others.map(metricsOf));
    expect(
      texts.reduce((n, text) => n + counter(text, "ocp_aggregator_jobs_done_total"), 0),
    ).toBeGreaterThanOrEqual(12);
    expect(
      texts.reduce((n, text) => n + counter(text, "ocp_aggregator_output_rows_total"), 0),
    ).toBeGreaterThan(0);
    expect(texts[0]).toMatch(/ocp_aggregator_queue_jobs\{state="created"\} 0/);
    const ready = await others[0].waitForLog((line) => line.msg === "worker ready");
    const health = await fetch(`http://127.0.0.1:${ready.metricsPort}/healthz`);
    expect(health.status).toBe(200);
    // every log line of a job names it
    const jobLines = others[0].logs.filter((line) => line.msg === "job done");
    expect(jobLines.length).toBeGreaterThan(0);
    expect(jobLines.every((line) => typeof line.jobId === "string" && typeof line.run === "string")).toBe(
      true,
    );
  });

  it("leaves a job on bad input failed with its error after the retry limit; the others finish", async () => {
    const source = datasets[1].params.run;
    const badRoot = writeCorruptInput(join(root, "corrupt"), {
      orgId: source.orgId as string,
      sourceUuid: source.sourceUuid,
      year: 2024,
      month: 12,
    });
    const bad: SummaryJobPayload = { ...jobs[1], year: 2024, month: 12, input: badRoot };
    const submitted = await submitSummaryJobs(boss, [bad, jobs[2], jobs[3]], {
      retryLimit: 1,
      retryDelaySeconds: 1,
      timeoutSeconds: RELAXED_TIMEOUT_SECONDS,
      heartbeatSeconds: 20,
    });
    const ids = submitted.map((s) => s.id as string);
    const [badEnd, ...goodEnds] = await waitForJobs(boss, ids, { timeoutMs: 60_000, pollMs: 500 });
    expect(badEnd.state).toBe("failed");
    expect(badEnd.retryCount).toBe(1);
    expect(JSON.stringify(badEnd.output)).toContain("broken_pod_usage.parquet");
    expect(goodEnds.map((s) => s.state)).toEqual(["completed", "completed"]);
    for (const job of [jobs[2], jobs[3]]) {
      const comparison = compareRowSets(
        await readSummaryRows(client, outputSchema, job.sourceUuid),
        await readSummaryRows(client, BASELINE_SCHEMA, job.sourceUuid),
      );
      expect(comparison.equal, comparison.report).toBe(true);
    }
    const live = workers.filter((w) => w.name !== "worker-a");
    const texts = await Promise.all(live.map(metricsOf));
    expect(texts.reduce((n, t) => n + counter(t, 'ocp_aggregator_jobs_failed_total{final="true"}'), 0)).toBe(
      1,
    );
    // at least the bad job's first attempt (concurrent first writes can add retried attempts of their own)
    expect(
      texts.reduce((n, t) => n + counter(t, 'ocp_aggregator_jobs_failed_total{final="false"}'), 0),
    ).toBeGreaterThanOrEqual(1);
  });

  it("on SIGTERM finishes the running job, then exits 0", async () => {
    const [b, c] = workers.filter((w) => w.name !== "worker-a");
    const before = new Set([...b.logs, ...c.logs].filter((l) => l.msg === "job started").map((l) => l));
    const [submitted] = await submitSummaryJobs(boss, [jobs[0]], {
      retryLimit: 0,
      retryDelaySeconds: 1,
      timeoutSeconds: RELAXED_TIMEOUT_SECONDS,
      heartbeatSeconds: 20,
    });
    const id = submitted.id as string;
    const isStart = (line: { msg?: string; jobId?: string }) =>
      line.msg === "job started" && line.jobId === id && !before.has(line);
    const runner = await Promise.race([
      b.waitForLog(isStart).then(() => b),
      c.waitForLog(isStart).then(() => c),
    ]);
    const idle = runner === b ? c : b;
    runner.kill("SIGTERM");
    idle.kill("SIGTERM");
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    expect(await idle.exited).toEqual({ code: 0, signal: null });
    expect(runner.logs.some((line) => line.msg === "job done" && line.jobId === id)).toBe(true);
    const [end] = await waitForJobs(boss, [id], { timeoutMs: 10_000 });
    expect(end.state).toBe("completed");
  });

  it("on SIGTERM hands a job that outlasts the grace period back to the queue; another worker completes it", async () => {
    const job = jobs[0];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // hold the job's source/month lock, so the worker's attempt is surely still running at SIGTERM
    let locked = false;
    const holder = withRunLock(
      db.url,
      runKey(job),
      () => {},
      async () => {
        locked = true;
        await held;
      },
    );
    await until(() => locked);
    const leaving = startWorker("worker-d", ["--shutdown-grace-seconds", "1"]);
    const [submitted] = await submitSummaryJobs(boss, [job], {
      retryLimit: 1,
      retryDelaySeconds: 1,
      timeoutSeconds: RELAXED_TIMEOUT_SECONDS,
      heartbeatSeconds: 20,
    });
    const id = submitted.id as string;
    await leaving.waitForLog((line) => line.msg === "waiting for an earlier job of the same source/month");
    leaving.kill("SIGTERM");
    expect(await leaving.exited).toEqual({ code: 0, signal: null });
    const handedBack = await jobStatus(boss, id);
    expect(handedBack.state).toBe("retry");
    expect(JSON.stringify(handedBack.output)).toContain("shut down while active");
    release();
    await holder;
    const next = startWorker("worker-e");
    const [end] = await waitForJobs(boss, [id], { timeoutMs: 30_000, pollMs: 300 });
    expect(end.state).toBe("completed");
    expect((end.output as { attempt: number }).attempt).toBe(2);
    next.kill("SIGTERM");
    expect(await next.exited).toEqual({ code: 0, signal: null });
  });

  it("fails a live attempt past its timeout into retry; the attempt stops waiting (job.signal) and the retry completes", async () => {
    const job = jobs[4];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // hold the job's source/month lock: the worker's attempt is alive (heartbeat going) but cannot finish
    let locked = false;
    const holder = withRunLock(
      db.url,
      runKey(job),
      () => {},
      async () => {
        locked = true;
        await held;
      },
    );
    await until(() => locked);
    const worker = startWorker("worker-f");
    const [submitted] = await submitSummaryJobs(boss, [job], {
      retryLimit: 4,
      retryDelaySeconds: 1,
      timeoutSeconds: 8,
      heartbeatSeconds: 20,
    });
    const id = submitted.id as string;
    await worker.waitForLog((line) => line.msg === "waiting for an earlier job of the same source/month");
    // pg-boss fails the attempt after 8 s and aborts its signal: the attempt stops waiting for the lock,
    // which frees the worker to take the retry
    const gaveUp = await worker.waitForLog(
      (line) => line.msg === "job attempt failed, will retry" && line.jobId === id,
      60_000,
    );
    expect(JSON.stringify(gaveUp.err)).toMatch(/stopped waiting for the earlier job/);
    await until(
      () => worker.logs.some((line) => line.msg === "job started" && line.jobId === id && line.attempt === 2),
      30_000,
    );
    release();
    await holder;
    const [end] = await waitForJobs(boss, [id], { timeoutMs: 90_000, pollMs: 300 });
    expect(end.state).toBe("completed");
    expect(end.retryCount).toBeGreaterThanOrEqual(1);
    const comparison = compareRowSets(
      await readSummaryRows(client, outputSchema, job.sourceUuid),
      await readSummaryRows(client, BASELINE_SCHEMA, job.sourceUuid),
    );
    expect(comparison.equal, comparison.report).toBe(true);
    worker.kill("SIGTERM");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });
});
