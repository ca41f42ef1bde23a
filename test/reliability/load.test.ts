/**
 * Load (issue 8). In `npm test`: 20 consecutive runs in one process (local files and S3 alternating) leave no
 * database connection, file descriptor or thread behind, and heap and RSS stay flat. The 5M-row streaming run
 * (a child process per size, 1M then 5M hourly pod rows, peak RSS compared) runs only with OCP_AGG_LOAD_TEST=1.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDatasetParams } from "../../src/generate/params-file.js";
import { runAggregateJob } from "../../src/run/job.js";
import { uploadDirectory } from "../../src/source/upload.js";
import { startTestS3, type TestS3 } from "../helpers/s3.js";
import { aggregateArgs, ensureBuilt, startCli } from "./support/cli.js";
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

const LOAD = process.env.OCP_AGG_LOAD_TEST === "1";
/** The two sizes compared (generator presets); OCP_AGG_LOAD_SCALES=20k,100k checks the test itself quickly. */
const [SMALL, LARGE] = (process.env.OCP_AGG_LOAD_SCALES ?? "1m,5m").split(",");

/** Peak RSS (MB) of one CLI aggregate run in streaming mode over a freshly generated dataset of `scale`. */
async function streamingPeakRss(harness: Harness, scale: string, root: string): Promise<number> {
  const out = join(root, scale);
  // The generator writes in a heap-capped worker of its own; only the aggregate run is measured.
  const generated = await startCli(["generate", "--scale", scale, "--out", out, "--seed", "8"]).done;
  expect(generated.code, generated.stderr).toBe(0);
  const datasetParams = loadDatasetParams(out);
  const { args, env } = aggregateArgs(out, datasetParams, {
    url: harness.db.url,
    schema: `org_load_${scale}`,
  });
  const result = await startCli([...args, "--mode", "streaming"], env).done;
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as { peakRssMb: number; inputRows: number };
  return report.peakRssMb;
}

describe.runIf(LOAD)("5M-row streaming run (OCP_AGG_LOAD_TEST=1)", () => {
  it(
    "peak RSS stays flat from 1M to 5M rows and no connection is left",
    async () => {
      await ensureBuilt();
      const harness = await startHarness();
      const root = mkdtempSync(join(tmpdir(), "ocp-agg-load-"));
      try {
        const small = await streamingPeakRss(harness, SMALL, root);
        const large = await streamingPeakRss(harness, LARGE, root);
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
