/** Test helper: runs the engine and the reference on one random dataset and compares their rows. */
import { rmSync } from "node:fs";
import type { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { aggregate } from "../../src/run/aggregate.js";
import { LocalSource } from "../../src/source/local.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { type RandomDataset, runOf, writeRandomDataset } from "./random-dataset.js";

/**
 * Throws with the minimal diff report when engine (actual) and reference (expected) differ. The engine runs as
 * `aggregate` writes (aggregate = aggregateByDay collected); returns how many day windows it used.
 */
export async function expectEngineMatchesReference(
  runner: ReferenceRunner,
  ds: RandomDataset,
  dir: string,
): Promise<{ windows: number }> {
  try {
    const { parquetRoot, files } = writeRandomDataset(ds, dir);
    const { run, reference } = runOf(ds);
    const source = new LocalSource(parquetRoot);
    let engine: Awaited<ReturnType<typeof aggregate>>;
    try {
      engine = await aggregate({ source, run, reference, mode: ds.mode });
    } finally {
      await source.close();
    }
    const referenceRows = await runner.run({ files, run, reference });
    const result = compareRowSets(engine.rows, referenceRows);
    if (!result.equal) {
      throw new Error(
        `engine (actual, ${engine.windows} day windows) vs reference (expected):\n${result.report}`,
      );
    }
    return { windows: engine.windows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
