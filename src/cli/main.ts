#!/usr/bin/env node
/** ocp-aggregator's command line. */
import { Command, CommanderError } from "commander";
import { registerAggregateCommand } from "./commands/aggregate.js";
import { registerBenchCommand } from "./commands/bench.js";
import { registerDbCommand } from "./commands/db.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerGenerateCommands } from "./commands/generate.js";
import { registerOcpOnAwsCommand } from "./commands/ocp-on-aws.js";
import { registerQueueCommands } from "./commands/queue.js";
import { registerSubmitOcpOnAwsCommand } from "./commands/submit-ocp-on-aws.js";
import { registerVerifyCommand } from "./commands/verify.js";
import { EXIT_USAGE } from "./run-context.js";

const program = new Command();
program
  .name("ocp-aggregator")
  .description(
    "Koku's OpenShift daily usage summary (reporting_ocpusagelineitem_daily_summary) from Parquet to PostgreSQL, in one small streaming process",
  )
  // which Node runs matters (zstd output, the bundled runtime of a fresh clone), so --version says it
  .version(`ocp-aggregator 0.1.0 (Node.js ${process.version})`)
  .showHelpAfterError()
  .exitOverride();

registerAggregateCommand(program);
registerBenchCommand(program);
registerDbCommand(program);
registerDemoCommand(program);
registerGenerateCommands(program);
registerVerifyCommand(program);
registerQueueCommands(program);
registerOcpOnAwsCommand(program);
registerSubmitOcpOnAwsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version end with code 0; unknown options, missing arguments etc. are bad usage
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  throw err;
}
