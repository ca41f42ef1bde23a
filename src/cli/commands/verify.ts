/**
 * `ocp-aggregator verify`: the aggregate command's run options plus `--params`, runs the engine and the
 * DuckDB reference (runVerifyJob) and prints the parity report; exit code 1 when they differ.
 * Registered from src/cli/main.ts with `registerVerifyCommand(program)`.
 */
import type { Command } from "commander";
import { formatVerifyReport } from "../../verify/run-verify.js";
import { runVerifyJob } from "../../verify/verify-job.js";
import { commandContext, runCommand } from "../run-context.js";
import { type AggregateCliOptions, addRunOptions, overridesFrom } from "./aggregate.js";

interface VerifyCliOptions extends AggregateCliOptions {
  params?: string;
  reportLimit?: string;
}

export class ParityError extends Error {}

export function registerVerifyCommand(program: Command): void {
  addRunOptions(
    program
      .command("verify")
      .description(
        "run the engine and the independent DuckDB rendering of Koku's SQL on the same input and report parity row by row",
      ),
    // it writes nothing and compares every step; no progress bar
    ["--allow-empty", "--steps", "--summary-parquet", "--progress"],
  )
    .option(
      "--params <dir|params.json>",
      "take run parameters and reference data from a dataset's params.json",
    )
    .option("--json", "print the comparison summary as JSON on stdout")
    .action((options: VerifyCliOptions) =>
      runCommand(async () => {
        const { config, logger } = commandContext(options.config, overridesFrom(options));
        const result = await runVerifyJob(config, { params: options.params, log: (m) => logger.info(m) });
        if (options.json) {
          const { comparison, ...rest } = result;
          const summary = {
            ...rest,
            equal: comparison.equal && result.steps.equal && result.vm.equal,
            differing: comparison.diffs.length,
            onlyEngine: comparison.onlyActual.length,
            onlyReference: comparison.onlyExpected.length,
          };
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        } else {
          process.stdout.write(`${formatVerifyReport(result)}\n`);
        }
        if (!result.comparison.equal || !result.steps.equal || !result.vm.equal)
          throw new ParityError("engine and reference differ (see the report above)");
      }),
    );
}
