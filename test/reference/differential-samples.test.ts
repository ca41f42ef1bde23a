/** Engine vs reference on the Koku samples: both flavors, both modes, through `runVerify`. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalSource } from "../../src/source/local.js";
import { formatVerifyReport, runVerify } from "../../src/verify/run-verify.js";
import { loadSample, SAMPLE_NAMES, SAMPLES_DIR } from "./fixture-files.js";

describe("engine vs reference on the Koku samples", () => {
  for (const name of SAMPLE_NAMES) {
    for (const flavor of ["trino", "onprem"] as const) {
      for (const mode of ["streaming", "in-memory"] as const) {
        it(`${name} ${flavor} ${mode}`, async () => {
          const sample = loadSample(name, flavor);
          const source = new LocalSource(join(SAMPLES_DIR, name, "data/parquet"));
          try {
            const result = await runVerify({ source, run: sample.run, reference: sample.reference, mode });
            expect(result.comparison.equal, formatVerifyReport(result)).toBe(true);
            expect(result.engineRows).toBeGreaterThan(0);
            expect(formatVerifyReport(result)).toMatch(/^PARITY/);
          } finally {
            await source.close();
          }
        });
      }
    }
  }
});
