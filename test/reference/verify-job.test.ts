/** The `verify` job from a config: params from a dataset's params.json, or from the config itself. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { formatVerifyReport } from "../../src/verify/run-verify.js";
import { runVerifyJob } from "../../src/verify/verify-job.js";
import { SAMPLES_DIR } from "./fixture-files.js";

const SAMPLE = join(SAMPLES_DIR, "sample-random");

describe("runVerifyJob", () => {
  it("reports parity on a sample with run and reference data from its params.json (onprem)", async () => {
    const config = loadConfig({ env: {}, overrides: { input: SAMPLE, run: { kokuSql: "onprem" } } });
    const result = await runVerifyJob(config, { params: join(SAMPLE, "params.json") });
    expect(result.run.kokuSql).toBe("onprem");
    expect(result.run.sourceUuid).toBe("7b6f505b-2ee8-5db3-865e-a9ce645da42c");
    expect(result.comparison.equal, formatVerifyReport(result)).toBe(true);
    expect(result.steps.equal, formatVerifyReport(result)).toBe(true);
    expect(result.vm.equal, formatVerifyReport(result)).toBe(true);
    expect(result.engineRows).toBe(962);
  });

  it("takes the run from the config and derives node roles when none are configured", async () => {
    const config = loadConfig({
      env: {},
      overrides: {
        input: SAMPLE,
        run: {
          sourceUuid: "7b6f505b-2ee8-5db3-865e-a9ce645da42c",
          year: "2025",
          month: "6",
          startDate: "2025-06-10",
          endDate: "2025-06-11",
          orgId: "org1234567",
        },
      },
    });
    const result = await runVerifyJob(config);
    expect(result.referenceOrigins.nodeRoles).toBe("derived from the pod data");
    expect(result.comparison.equal, formatVerifyReport(result)).toBe(true);
    expect(result.steps.equal, formatVerifyReport(result)).toBe(true);
    expect(result.vm.equal, formatVerifyReport(result)).toBe(true);
    expect(result.engineRows).toBeGreaterThan(0);
  });
});
