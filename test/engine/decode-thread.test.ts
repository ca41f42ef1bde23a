/**
 * The compiled build decodes on a worker thread; the result must be byte-identical to inline decoding, in
 * both modes (string ids are mapped back in reply order, so even row order and ids agree).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DIST, ensureBuilt, ROOT } from "../helpers/dist.js";

const SAMPLE = join(ROOT, "test", "fixtures", "koku-samples", "sample-random");

describe("decoding on a worker thread", () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it("gives the same rows as inline decoding, streaming and in-memory", async () => {
    const { aggregate } = await import(pathToFileURL(join(DIST, "run", "aggregate.js")).href);
    const { LocalSource } = await import(pathToFileURL(join(DIST, "source", "local.js")).href);
    const { loadDatasetParams } = await import(pathToFileURL(join(DIST, "generate", "params-file.js")).href);
    const { WorkerDecoder } = await import(pathToFileURL(join(DIST, "parquet", "decoders.js")).href);
    const probe = WorkerDecoder.tryCreate({ intern: () => 0 });
    expect(probe).not.toBeNull();
    await probe.close();
    const { run, reference } = loadDatasetParams(SAMPLE);
    const outputs: string[] = [];
    for (const decodeThread of [false, true]) {
      for (const mode of ["streaming", "in-memory"]) {
        const source = new LocalSource(SAMPLE);
        const result = await aggregate({ source, run, reference, mode, decodeThread, readAhead: 3 });
        await source.close();
        outputs.push(JSON.stringify(result.rows));
      }
    }
    expect(outputs[0].length).toBeGreaterThan(1000);
    for (const output of outputs) expect(output).toBe(outputs[0]);
  });
});
