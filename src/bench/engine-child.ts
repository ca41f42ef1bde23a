/**
 * Child process of `bench`: the engine alone, without a database — the same config as the measured
 * `aggregate` run (reference data from the config file), the same streaming day windows, every output row
 * produced and dropped. Prints `{ inputRows, outputRows, seconds, peakRssMb }` as JSON.
 *
 *   node dist/bench/engine-child.js <config file> <dataset dir>
 */
import { loadConfig } from "../config/load.js";
import { resolveDatabaseSchema, resolveRunParams } from "../config/run-params.js";
import { aggregateByDay } from "../run/aggregate.js";
import { resolveReferenceData } from "../run/reference-data.js";
import { LocalSource } from "../source/local.js";

export interface EngineChildResult {
  inputRows: number;
  outputRows: number;
  seconds: { total: number; list: number; read: number; aggregate: number; finish: number };
  peakRssMb: number;
}

async function main(configFile: string, dir: string): Promise<EngineChildResult> {
  const started = performance.now();
  const config = loadConfig({ file: configFile, env: {} });
  const run = resolveRunParams(config);
  const { reference } = await resolveReferenceData(null, resolveDatabaseSchema(config), config);
  const source = new LocalSource(dir);
  try {
    const stream = await aggregateByDay({
      source,
      run,
      reference,
      mode: "streaming",
      readAhead: config.performance.readAheadRowGroups,
    });
    let outputRows = 0;
    for await (const rows of stream.days) {
      outputRows += rows.length;
      rows.length = 0; // dropped: not kept beside the next day while it is computed
    }
    const totals = stream.totals();
    return {
      inputRows: totals.inputRows,
      outputRows,
      seconds: { total: (performance.now() - started) / 1000, ...totals.seconds },
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await source.close();
  }
}

const [configFile, dir] = process.argv.slice(2);
if (!configFile || !dir) {
  process.stderr.write("usage: engine-child.js <config file> <dataset dir>\n");
  process.exit(2);
}
main(configFile, dir).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`engine run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
