/**
 * Load (issue 8). In `npm test`: 20 consecutive runs in one process (local files and S3 alternating) leave no
 * database connection, file descriptor or thread behind, and heap and RSS stay flat; and a CI-sized CLI run
 * peaks below a measured RSS ceiling. The 5M-row streaming run (a child process per size, 1M then 5M hourly
 * pod rows, peak RSS compared against 300 MB) runs only with OCP_AGG_LOAD_TEST=1; `bench` owns that target.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { runAggregateJob } from "../../src/run/job.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { ensureBuilt } from "../helpers/dist.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";
import { aggregateArgs, startCli } from "./support/cli.js";
import { jobBackends, waitForNoJobBackends } from "./support/db-faults.js";
import {
  type Harness,
  jobConfig,
  quietLogger,
  SAMPLE_BASIC,
  snapshotRows,
  startHarness,
} from "./support/harness.js";

const SCHEMA = "org_load";
const params = loadDatasetParams(SAMPLE_BASIC);
const MB = 1024 * 1024;

// A full collection before each measurement, so heap numbers are live data, not garbage not yet collected.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}
function threads(): number {
  return readdirSync("/proc/self/task").length;
}

interface Sample {
  run: number;
  heapMb: number;
  rssMb: number;
  fds: number;
  threads: number;
  connections: number;
}

describe("20 consecutive runs in one process", () => {
  let harness: Harness;
  let s3: TestS3;

  beforeAll(async () => {
    harness = await startHarness();
    s3 = await startTestS3();
    await uploadDirectory(SAMPLE_BASIC, {
      bucket: s3.bucket,
      prefix: "koku",
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      region: s3.region,
    });
  });
  afterAll(async () => {
    await s3?.stop();
    await harness?.stop();
  });

  it("leave no connection, descriptor or thread behind, and memory flat", async () => {
    const samples: Sample[] = [];
    let firstRows: string[] | null = null;
    for (let run = 1; run <= 20; run++) {
      const fromS3 = run % 2 === 0;
      const config = fromS3
        ? jobConfig(
            `s3://${s3.bucket}/koku`,
            params,
            { url: harness.db.url, schema: SCHEMA },
            {
              s3: {
                endpoint: s3.endpoint,
                accessKeyId: s3.accessKeyId,
                secretAccessKey: s3.secretAccessKey,
                forcePathStyle: "true",
              },
            },
          )
        : jobConfig(SAMPLE_BASIC, params, { url: harness.db.url, schema: SCHEMA });
      const report = await runAggregateJob(config, { logger: quietLogger });
      expect(report.outputRows.total).toBeGreaterThan(0);
      await waitForNoJobBackends(harness.admin);
      // Let sockets finish closing (keep-alive agents, TIME_WAIT handles) before counting.
      await new Promise((resolve) => setTimeout(resolve, 50));
      collectGarbage();
      const memory = process.memoryUsage();
      samples.push({
        run,
        heapMb: memory.heapUsed / MB,
        rssMb: memory.rss / MB,
        fds: openFds(),
        threads: threads(),
        connections: (await jobBackends(harness.admin)).length,
      });
      if (run === 1) firstRows = await snapshotRows(harness.admin, SCHEMA, params.run.sourceUuid);
    }
    // Every run replaced the previous one's rows with the same rows.
    expect(await snapshotRows(harness.admin, SCHEMA, params.run.sourceUuid)).toEqual(firstRows);

    const warm = samples[3]; // after a few runs: modules loaded, pools and caches at their working size
    const last = samples[samples.length - 1];
    const summary = `${JSON.stringify(warm)} → ${JSON.stringify(last)}`;
    expect(
      samples.every((s) => s.connections === 0),
      summary,
    ).toBe(true);
    expect(last.fds - warm.fds, summary).toBeLessThanOrEqual(4);
    expect(last.threads - warm.threads, summary).toBeLessThanOrEqual(1);
    expect(last.heapMb - warm.heapMb, summary).toBeLessThan(16);
    expect(last.rssMb - warm.rssMb, summary).toBeLessThan(64);
    if (process.env.RELIABILITY_SHOW_ERRORS) console.log(samples);
  });
});

/**
 * Peak RSS (MB) of one CLI aggregate run over a freshly generated dataset (`sizeArgs`: generate options).
 * The child reports its own getrusage maxRSS: the kernel's high-water mark of its resident set.
 */
async function cliPeakRss(
  harness: Harness,
  sizeArgs: string[],
  out: string,
  mode: "streaming" | "in-memory" = "streaming",
): Promise<{ peakRssMb: number; inputRows: number }> {
  // The generator writes in a heap-capped worker of its own; only the aggregate run is measured.
  const generated = await startCli(["generate", ...sizeArgs, "--out", out, "--seed", "8", "--overwrite"])
    .done;
  expect(generated.code, generated.stderr).toBe(0);
  const datasetParams = loadDatasetParams(out);
  const { args, env } = aggregateArgs(out, datasetParams, {
    url: harness.db.url,
    schema: `org_load_${basename(out).replace(/\W/g, "_")}`,
  });
  const result = await startCli([...args, "--mode", mode], env).done;
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { peakRssMb: number; inputRows: number };
}

/**
 * CI-sized memory check (runs in `npm test`): 4 days of a 20-node cluster (84,980 hourly pod rows),
 * streaming, through the CLI in a child process. Measured on the 2-core shared machine (docs/reliability.md),
 * three runs each: peak RSS 154-156 MB on Node 20.20, 173-177 MB on Node 24.21 (1 day of the same cluster:
 * 133-135 MB on Node 20). The limit leaves 24 % above the highest run for allocator and GC timing noise; a
 * change that adds a copy of the input or the output at this size (~20 MB each) still fits, so this is a
 * ceiling, not a flatness check. Flatness and the 300 MB target at 5M rows are `bench`'s (docs/benchmarks.md).
 */
const CI_MEMORY_LIMIT_MB = 220;
const CI_SIZE = ["--nodes", "20", "--pods-per-node", "42", "--days", "4"];

describe("CI-sized memory check", () => {
  it(`a streaming CLI run over 85k hourly pod rows peaks below ${CI_MEMORY_LIMIT_MB} MB RSS`, async () => {
    await ensureBuilt();
    const harness = await startHarness();
    const root = mkdtempSync(join(tmpdir(), "ocp-agg-memory-"));
    try {
      const report = await cliPeakRss(harness, CI_SIZE, join(root, "ci"));
      if (process.env.RELIABILITY_SHOW_ERRORS) console.log(`peak RSS ${report.peakRssMb} MB`, report);
      expect(report.inputRows).toBeGreaterThan(84_000);
      expect(report.peakRssMb).toBeLessThanOrEqual(CI_MEMORY_LIMIT_MB);
      await waitForNoJobBackends(harness.admin);
    } finally {
      rmSync(root, { recursive: true, force: true });
      await harness.stop();
    }
  }, 180_000);
});

const LOAD = process.env.OCP_AGG_LOAD_TEST === "1";
/** The two sizes compared (generator presets); OCP_AGG_LOAD_SCALES=20k,100k checks the test itself quickly. */
const [SMALL, LARGE] = (process.env.OCP_AGG_LOAD_SCALES ?? "1m,5m").split(",");

describe.runIf(LOAD)("5M-row streaming run (OCP_AGG_LOAD_TEST=1)", () => {
  it(
    "peak RSS stays flat from 1M to 5M rows and no connection is left",
    async () => {
      await ensureBuilt();
      const harness = await startHarness();
      const root = mkdtempSync(join(tmpdir(), "ocp-agg-load-"));
      try {
        const small = (await cliPeakRss(harness, ["--scale", SMALL], join(root, SMALL))).peakRssMb;
        const large = (await cliPeakRss(harness, ["--scale", LARGE], join(root, LARGE))).peakRssMb;
        console.log(`peak RSS: ${SMALL} rows ${small} MB, ${LARGE} rows ${large} MB`);
        expect(large).toBeLessThanOrEqual(small * 1.25 + 32);
        expect(large).toBeLessThanOrEqual(300);
        await waitForNoJobBackends(harness.admin);
      } finally {
        rmSync(root, { recursive: true, force: true });
        await harness.stop();
      }
    },
    30 * 60_000,
  );
});
