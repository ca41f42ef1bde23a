#!/usr/bin/env node
/** ocp-aggregator's command line. */
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.js";
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

// The command named on the line alone; help, a version request or an unknown command get them all (for the
// listing and the suggestions).
const named = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
const chosen = COMMANDS.filter((c) => named !== undefined && c.names.includes(named));
for (const register of await Promise.all((chosen.length > 0 ? chosen : COMMANDS).map((c) => c.load()))) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version end with code 0; unknown options, missing arguments etc. are bad usage
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  throw err;
}
