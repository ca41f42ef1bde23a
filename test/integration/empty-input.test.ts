/**
 * A run that finds nothing never wipes a month (issue #13 point 1): an empty folder, files under another
 * month= folder, and files with no usage row in the day range each fail with a message saying where the run
 * looked, and the rows already stored stay. `allow_empty` opts in to replacing with nothing. A queued job on
 * an empty input fails once, without retries.
 */
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig } from "../../src/config/index.js";
import type { AppConfig } from "../../src/config/schema.js";
import { type GenerateResult, generateDataset } from "../../src/generate/index.js";
import { openBoss, startSummaryWorker, submitSummaryJobs, waitForJobs } from "../../src/queue/index.js";
import { datasetOverrides } from "../../src/run/dataset-config.js";
import { EmptyInputError } from "../../src/run/empty-input.js";
import { runAggregateJob } from "../../src/run/job.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { countRows } from "../helpers/summary-db.js";

const SIZE = { nodes: 2, podsPerNode: 3, days: 2 };
const SEED = 13;
const schema = "org_empty";

let db: TestPostgres;
let client: pg.Client;
let root: string;
let november: GenerateResult;
let stored: number;

/** Logger lines captured as parsed JSON. */
function capturingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const destination = {
    write: (line: string) => void lines.push(JSON.parse(line)),
  } as unknown as NodeJS.WritableStream;
  return { lines, logger: createLogger({ level: "info", format: "json", destination }) };
}

function configFor(input: string, run: Record<string, unknown> = {}, databaseUrl = db.url): AppConfig {
  const base = datasetOverrides(november.params, input);
  return loadConfig({
    env: {},
    overrides: { ...base, run: { ...base.run, ...run }, database: { url: databaseUrl, schema } },
  });
}

const sourceUuid = () => november.params.run.sourceUuid;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ocp-agg-empty-"));
  db = await startTestPostgres();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  november = await generateDataset({
    out: join(root, "nov"),
    size: SIZE,
    startDate: "2025-11-01",
    seed: SEED,
  });
  const { logger } = capturingLogger();
  await runAggregateJob(configFor(november.dir), { logger });
  stored = await countRows(client, schema, sourceUuid());
  expect(stored).toBeGreaterThan(0);
});

afterAll(async () => {
  await client?.end();
  await db?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function expectRefused(config: AppConfig, message: RegExp): Promise<EmptyInputError> {
  const { logger } = capturingLogger();
  const error = await runAggregateJob(config, { logger }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EmptyInputError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).toMatch(/nothing was changed .*--allow-empty/);
  expect(await countRows(client, schema, sourceUuid())).toBe(stored);
  return error as EmptyInputError;
}

describe("a run that finds nothing", () => {
  it("fails on an empty folder before any database is touched, naming root, source and month", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    // An unreachable database: the refusal must come first, without connecting.
    const unreachable = "postgres://nobody@127.0.0.1:1/none";
    const error = await expectRefused(
      configFor(empty, {}, unreachable),
      new RegExp(
        `no input files for source ${sourceUuid()}, 2025-11 in ${empty}: looked for Parquet files of `,
      ),
    );
    expect(error.message).toContain(
      `pod_usage, storage_usage, node_labels, namespace_labels, gpu_usage, vm_usage under org1234567/OCP/<report type>/source=${sourceUuid()}/year=2025/month=11/ and daily/org1234567/`,
    );
  });

  it("fails when the files sit under another month= folder, and says which months there are", async () => {
    const moved = join(root, "moved");
    cpSync(november.dir, moved, { recursive: true });
    for (const tree of ["", "daily"]) {
      for (const type of ["pod_usage", "storage_usage", "node_labels", "namespace_labels"]) {
        const year = join(
          moved,
          "data",
          "parquet",
          tree,
          "org1234567",
          "OCP",
          type,
          `source=${sourceUuid()}`,
          "year=2025",
        );
        renameSync(join(year, "month=11"), join(year, "month=12"));
      }
    }
    const error = await expectRefused(configFor(moved), /no input files for source .*, 2025-11 in /);
    expect(error.message).toContain(
      `data/parquet/org1234567/OCP/<report type>/source=${sourceUuid()}/year=2025/month=11/`,
    );
    expect(error.message).toContain("this source has files for 2025-12");
  });

  it("fails when the month's files hold no usage row in the day range, and rolls the delete back", async () => {
    // Same source, files of the month's last days only: nothing for the 1st..10th, where rows are stored.
    const late = await generateDataset({
      out: join(root, "late"),
      size: SIZE,
      startDate: "2025-11-25",
      seed: SEED,
    });
    expect(late.params.run.sourceUuid).toBe(sourceUuid());
    await expectRefused(
      configFor(late.dir, { startDate: "2025-11-01", endDate: "2025-11-10" }),
      /no usage rows between 2025-11-01 and 2025-11-10 for source .*, 2025-11 in .*late \(pod_usage: \d+ files, [\d,]+ rows; storage_usage: \d+ files/,
    );
  });

  it("replaces the range with nothing under allow_empty, with a warning", async () => {
    const { lines, logger } = capturingLogger();
    const report = await runAggregateJob(configFor(join(root, "empty"), { allowEmpty: "true" }), { logger });
    expect(report.deletedRows).toBe(stored);
    expect(report.outputRows.total).toBe(0);
    expect(lines.filter((l) => l.level === "warn").map((l) => l.msg)).toContainEqual(
      expect.stringMatching(
        /^no input files .*run\.allow_empty is on: the stored rows of the range are replaced/,
      ),
    );
    expect(await countRows(client, schema, sourceUuid())).toBe(0);
    // put the month back for the queue test
    await runAggregateJob(configFor(november.dir), { logger });
    expect(await countRows(client, schema, sourceUuid())).toBe(stored);
  });

  it("fails a queued job once, with the message and no retries", async () => {
    const { logger } = capturingLogger();
    const connection = { url: db.url, schema: "pgboss_empty" };
    const policy = { retryLimit: 3, retryDelaySeconds: 1, timeoutSeconds: 60, heartbeatSeconds: 20 };
    const boss = await openBoss({ connection, supervise: false, policy, logger, applicationName: "test" });
    const env = { PATH: process.env.PATH };
    const worker = await startSummaryWorker({
      connection,
      settings: {
        concurrency: 1,
        metricsHost: "127.0.0.1",
        metricsPort: 0,
        pollSeconds: 1,
        maintenanceSeconds: 1,
        shutdownGraceSeconds: 1,
      },
      env,
      baseOverrides: { database: { url: db.url, schema } },
      logger,
    });
    try {
      const [job] = await submitSummaryJobs(
        boss,
        [{ sourceUuid: sourceUuid(), year: 2025, month: 11, input: join(root, "empty") }],
        policy,
      );
      const [status] = await waitForJobs(boss, [job.id as string], { timeoutMs: 30_000, pollMs: 200 });
      expect(status.state).toBe("failed");
      expect(status.retryCount).toBe(0);
      expect(JSON.stringify(status.output)).toMatch(/no input files for source .*, 2025-11 in /);
    } finally {
      await worker.stop("test done");
      await boss.stop({ graceful: false });
    }
    expect(await countRows(client, schema, sourceUuid())).toBe(stored);
  });
});
