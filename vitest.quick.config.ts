/**
 * `npm run test:quick`: the inner loop, under 3 minutes on a quiet 2-core machine. Every unit test, the engine
 * and the reference on the Koku samples, and the sink against real PostgreSQL; left out are the files that
 * build dist/, spawn processes, sweep many datasets, manage whole clusters or inject faults. `npm test` runs all.
 */
import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

/** Slow by design; `npm test` runs them. */
export const SLOW_TESTS = [
  "test/reliability/**", // fault injection, SIGKILL, load: child processes, S3 and PostgreSQL faults
  "test/integration/**", // the built CLI end to end
  "test/bench/bench-command.test.ts", // a whole bench run
  "test/queue/scale-out.test.ts", // worker processes against one queue
  "test/engine/decode-thread.test.ts", // builds dist/ for the worker thread
  "test/generate/cli.test.ts", // the generate/seed CLI end to end
  "test/reference/onprem-postgres.test.ts", // Koku's onprem SQL in PostgreSQL on random datasets
  "test/reference/property.test.ts", // randomized datasets through engine and DuckDB
  "test/reference/differential-scenarios.test.ts", // every generator scenario through engine and DuckDB
  "test/reference/differential-samples.test.ts", // the samples again, engine vs DuckDB (samples tests cover them)
  "test/generate/scenarios.test.ts", // every generator scenario written and checked with DuckDB
  "test/sink/embedded.test.ts", // embedded cluster lifecycle: initdb, restarts, version changes
  "test/reference/steps-differential.test.ts", // inventory and GPU rows, engine vs DuckDB, on scenarios
  "test/reference/vm-differential.test.ts", // VM rows, engine in PostgreSQL vs DuckDB, scenarios x flavors x re-runs
  "test/reference/vm-inputs-property.test.ts", // randomized VM inputs through engine and DuckDB
  "test/aws/differential.test.ts", // OCP-on-AWS engine vs DuckDB on every generated scenario
];

export default mergeConfig(
  base,
  defineConfig({ test: { exclude: [...configDefaults.exclude, ...SLOW_TESTS] } }),
);
