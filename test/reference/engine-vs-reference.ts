/** Test helper: runs the engine and the reference on one random dataset and compares their rows. */
import { rmSync } from "node:fs";
import type { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { aggregate } from "../../src/run/aggregate.js";
import { LocalSource } from "../../src/source/local.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { type RandomDataset, runOf, writeRandomDataset } from "./random-dataset.js";

/** Throws with the minimal diff report when engine (actual) and reference (expected) differ. */
export async function expectEngineMatchesReference(
  runner: ReferenceRunner,
  ds: RandomDataset,
  dir: string,
): Promise<void> {
  try {
    const { parquetRoot, files } = writeRandomDataset(ds, dir);
    const { run, reference } = runOf(ds);
    const source = new LocalSource(parquetRoot);
    let engineRows: Awaited<ReturnType<typeof aggregate>>["rows"];
    try {
      engineRows = (await aggregate({ source, run, reference, mode: ds.mode })).rows;
    } finally {
      await source.close();
    }
    const referenceRows = await runner.run({ files, run, reference });
    const result = compareRowSets(engineRows, referenceRows);
    if (!result.equal) throw new Error(`engine (actual) vs reference (expected):\n${result.report}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
