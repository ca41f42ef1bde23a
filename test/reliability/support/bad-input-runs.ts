/**
 * Running a damaged or unusual copy of the sample through the whole job, against a "previous run" of the
 * pristine sample: a bad input must fail and keep the stored rows exactly, an unusual one must store what the
 * DuckDB reference computes. One harness (embedded PostgreSQL) per test file, started in its hooks.
 */
import { afterAll, beforeAll, expect } from "vitest";
import type { ReportType } from "../../../src/model.js";
import { runAggregateJob } from "../../../src/run/job.js";
import { compareRowSets } from "../../../src/verify/compare.js";
import { readSummaryRows } from "../../helpers/summary-db.js";
import {
  closeReference,
  copySample,
  type DatasetCopy,
  type Harness,
  jobConfig,
  onlyFile,
  quietLogger,
  referenceRows,
  SAMPLE_BASIC,
  snapshotRows,
  startHarness,
} from "./harness.js";
import { type ParquetTable, readTable, writeTable } from "./parquet-file.js";
import { capturingUnhandledRejections } from "./unhandled.js";

/** A fresh hourly-only copy of the sample; the caller damages it. */
export async function withCopy(body: (copy: DatasetCopy) => Promise<void>): Promise<void> {
  const copy = copySample(SAMPLE_BASIC, { hourlyOnly: true });
  try {
    await body(copy);
  } finally {
    copy.remove();
  }
}

/** Rewrites the copy's only file of `type` through `change`; returns its path. */
export async function rewrite(
  copy: DatasetCopy,
  type: ReportType,
  change: (table: ParquetTable) => ParquetTable,
  options: { rowGroupSize?: number } = {},
): Promise<string> {
  const path = onlyFile(copy.dir, copy.params, type);
  writeTable(path, change(await readTable(path)), options);
  return path;
}

function arraysEqual(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

export interface BadInputRuns {
  /** The started harness (valid inside tests, after beforeAll). */
  harness(): Harness;
  run(copy: DatasetCopy): ReturnType<typeof runAggregateJob>;
  /** Stores the pristine sample's rows (the "previous run") and returns their exact snapshot. */
  storeBaseline(copy: DatasetCopy): Promise<string[]>;
  /** Runs the damaged copy: it must fail with every pattern, and the stored rows must not change. */
  expectFailureKeepingRows(copy: DatasetCopy, patterns: (string | RegExp)[]): Promise<string>;
  /** Runs the modified copy: it must succeed and store exactly what the DuckDB reference computes. */
  expectReferenceRows(copy: DatasetCopy): Promise<void>;
}

/** Starts the harness for this test file (beforeAll/afterAll) and runs copies into `schema`. */
export function useBadInputRuns(schema: string): BadInputRuns {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    closeReference();
    await harness?.stop();
  });

  const run = (copy: DatasetCopy) =>
    runAggregateJob(jobConfig(copy.dir, copy.params, { url: harness.db.url, schema }), {
      logger: quietLogger,
    });

  let pristineRows: string[] | null = null;

  async function storeBaseline(copy: DatasetCopy): Promise<string[]> {
    const current = await snapshotRows(harness.admin, schema, copy.params.run.sourceUuid);
    // The table already holds the pristine rows (a previous case failed as it should): no need to run again.
    if (pristineRows !== null && current.length > 0 && arraysEqual(current, pristineRows)) return current;
    const pristine = copySample(SAMPLE_BASIC, { hourlyOnly: true });
    try {
      await run(pristine);
    } finally {
      pristine.remove();
    }
    const rows = await snapshotRows(harness.admin, schema, copy.params.run.sourceUuid);
    expect(rows.length).toBeGreaterThan(0);
    pristineRows ??= rows;
    expect(rows).toEqual(pristineRows);
    return rows;
  }

  async function expectFailureKeepingRows(copy: DatasetCopy, patterns: (string | RegExp)[]): Promise<string> {
    const before = await storeBaseline(copy);
    // One failure, reported once: no read (e.g. one read ahead) may fail on its own, unhandled.
    const { error, unhandled } = await capturingUnhandledRejections(() => run(copy));
    expect(error, "the run should have failed").not.toBeNull();
    expect(unhandled.map((e) => (e as Error).message)).toEqual([]);
    const message = (error as Error).message;
    if (process.env.RELIABILITY_SHOW_ERRORS) console.log(message);
    for (const pattern of patterns) {
      if (typeof pattern === "string") expect(message).toContain(pattern);
      else expect(message).toMatch(pattern);
    }
    expect(await snapshotRows(harness.admin, schema, copy.params.run.sourceUuid)).toEqual(before);
    return message;
  }

  async function expectReferenceRows(copy: DatasetCopy): Promise<void> {
    await storeBaseline(copy);
    await run(copy);
    const stored = await readSummaryRows(harness.admin, schema, copy.params.run.sourceUuid);
    const expected = await referenceRows(copy.dir, copy.params);
    const comparison = compareRowSets(stored, expected as never);
    expect(comparison.equal, comparison.report).toBe(true);
  }

  return { harness: () => harness, run, storeBaseline, expectFailureKeepingRows, expectReferenceRows };
}
