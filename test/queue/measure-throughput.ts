/**
 * Measures queue throughput on this machine (not part of `npm test`): K generated cluster-months, run by 1 and
 * then 2 worker processes (concurrency 1 each) of the built CLI against a throw-away PostgreSQL.
 *
 *   npx -y vite-node@6 test/queue/measure-throughput.ts -- [jobs=6] [nodes=10] [podsPerNode=40] [days=30]
 *
 * Prints per-job seconds, jobs per minute and input rows per second as JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createLogger } from "../../src/cli/logger.js";
import { openBoss, submitSummaryJobs, waitForJobs } from "../../src/queue/index.js";
import { seedReferenceData } from "../../src/sink/reference-tables.js";
import { buildCli } from "../helpers/dist.js";
import { startTestPostgres } from "../helpers/postgres.js";
import { generateDatasets, jobFor } from "./datasets.js";
import { startCli } from "./worker-process.js";

const [jobCount = 6, nodes = 10, podsPerNode = 40, days = 30] = process.argv
  .slice(2)
  .filter((a) => a !== "--")
  .map(Number);
const logger = createLogger({ level: "warn", format: "json" });
const policy = { retryLimit: 3, retryDelaySeconds: 1, timeoutSeconds: 600, heartbeatSeconds: 20 };

const root = mkdtempSync(join(tmpdir(), "ocp-agg-throughput-"));
const [cli, db] = await Promise.all([buildCli(), startTestPostgres()]);
try {
  const genStart = performance.now();
  // one month for all: in a running installation the month's partition exists; only the first job creates it
  const datasets = await generateDatasets(
    root,
    Array.from({ length: jobCount + 1 }, () => ({ nodes, podsPerNode, days })),
    { month: 10 },
  );
  console.error(
    `generated ${datasets.length} datasets in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
  );
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await seedReferenceData(client, datasets[0].params.run.orgId as string, datasets[0].params.reference);
  await client.end();
  const boss = await openBoss({
    connection: { url: db.url, schema: "pgboss" },
    supervise: false,
    policy,
    logger,
    applicationName: "throughput",
  });
  const env = { PATH: process.env.PATH, DATABASE_URL: db.url, OCP_AGG_LOG_LEVEL: "warn" };
  const results = [];
  const [warmup, ...measured] = datasets.map(jobFor);
  for (const workerCount of [1, 2]) {
    const workers = Array.from({ length: workerCount }, (_, i) =>
      startCli(
        `w${i}`,
        cli.mainJs,
        ["worker", "--metrics-port", "0", "--metrics-host", "127.0.0.1", "--poll-seconds", "1"],
        {
          ...env,
          OCP_AGG_LOG_LEVEL: "info",
        },
      ),
    );
    await Promise.all(workers.map((w) => w.waitForLog((l) => l.msg === "worker ready")));
    const warm = await submitSummaryJobs(boss, [warmup], policy);
    await waitForJobs(boss, [warm[0].id as string], { timeoutMs: 600_000, pollMs: 200 });
    const started = performance.now();
    const submitted = await submitSummaryJobs(boss, measured, policy);
    const ended = await waitForJobs(
      boss,
      submitted.map((s) => s.id as string),
      { timeoutMs: 1_800_000, pollMs: 200 },
    );
    const wall = (performance.now() - started) / 1000;
    const outputs = ended.map(
      (s) =>
        s.output as {
          inputRows: number;
          outputRows: number;
          seconds: number;
          cpuSeconds: number;
          attempt: number;
          phases: Record<string, number>;
        },
    );
    const meanPhases = Object.fromEntries(
      Object.keys(outputs[0].phases).map((phase) => [
        phase,
        Number((outputs.reduce((n, o) => n + o.phases[phase], 0) / outputs.length).toFixed(2)),
      ]),
    );
    const inputRows = outputs.reduce((n, o) => n + o.inputRows, 0);
    results.push({
      workers: workerCount,
      jobs: measured.length,
      states: [...new Set(ended.map((s) => s.state))],
      retriedAttempts: outputs.reduce((n, o) => n + o.attempt - 1, 0),
      inputRowsPerJob: Math.round(inputRows / measured.length),
      outputRowsPerJob: Math.round(outputs.reduce((n, o) => n + o.outputRows, 0) / measured.length),
      wallSeconds: Number(wall.toFixed(2)),
      meanJobSeconds: Number((outputs.reduce((n, o) => n + o.seconds, 0) / outputs.length).toFixed(2)),
      meanJobCpuSeconds: Number((outputs.reduce((n, o) => n + o.cpuSeconds, 0) / outputs.length).toFixed(2)),
      meanPhases,
      loadAverage1m: Number(loadavg()[0].toFixed(1)),
      jobsPerMinute: Number(((measured.length / wall) * 60).toFixed(1)),
      inputRowsPerSecond: Math.round(inputRows / wall),
    });
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
  }
  await boss.stop({ graceful: false });
  console.log(JSON.stringify({ size: { nodes, podsPerNode, days }, cpus: cpus().length, results }, null, 2));
} finally {
  await db.stop();
  cli.remove();
  rmSync(root, { recursive: true, force: true });
}
