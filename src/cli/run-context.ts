/**
 * Shared plumbing of the commands: config from file + env + options, the logger, the progress display,
 * and the mapping of failures to exit codes (1 = the run failed, 2 = bad usage or configuration).
 */
import {
  type ConfigOverrides,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  isUsageFailure,
  loadConfigDetailed,
} from "../config/index.js";
import type { AppConfig } from "../config/schema.js";
import { createLogger, type Logger } from "./logger.js";

// The exit codes and UsageError live in config/errors.ts (library code raises them too); re-exported for commands.
export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "../config/index.js";

export interface CommandContext {
  config: AppConfig;
  logger: Logger;
}

export function commandContext(configFile: string | undefined, overrides: ConfigOverrides): CommandContext {
  const warnings: string[] = [];
  let config: AppConfig;
  try {
    config = loadConfigDetailed({
      file: configFile,
      env: process.env,
      overrides,
      onWarning: (w) => warnings.push(w),
    }).config;
  } catch (err) {
    // No logger without a config: the warnings (often the cause, e.g. a misspelt key) go straight to stderr.
    for (const warning of warnings) process.stderr.write(`ocp-aggregator: ${warning}\n`);
    throw err;
  }
  const logger = createLogger({ level: config.logging.level, format: config.logging.format });
  for (const warning of warnings) logger.warn(warning);
  return { config, logger };
}

/** Runs a command body and exits with the right code; errors print one clear line (no stack unless debugging). */
export async function runCommand(body: () => Promise<void>): Promise<never> {
  try {
    await body();
    process.exit(EXIT_OK);
  } catch (err) {
    const usage = isUsageFailure(err);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`ocp-aggregator: ${usage ? "" : "run failed: "}${message}\n`);
    if (process.env.OCP_AGG_DEBUG && err instanceof Error && err.stack)
      process.stderr.write(`${err.stack}\n`);
    process.exit(usage ? EXIT_USAGE : EXIT_FAILED);
  }
}

/** Drops undefined leaves so an option not given never overrides the config file or env. */
export function defined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
