/**
 * Shared plumbing of the commands: config from file + env + options, the logger, the progress display,
 * and the mapping of failures to exit codes (1 = the run failed, 2 = bad usage or configuration).
 */

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  type ConfigOverrides,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  isUsageFailure,
  loadConfigDetailed,
  UsageError,
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
  requireDataDirParent(config);
  return { config, logger };
}

/**
 * A data folder the user named is created only inside a folder that exists: a typo (`--data-dir /vra/lib/pg`)
 * would otherwise create a whole new tree with a new, empty database and send the rows there. The default folder
 * (under the user's data folder) is created with its parents as before.
 */
function requireDataDirParent(config: AppConfig): void {
  const dataDir = config.embedded.dataDir;
  if (config.database.url || !dataDir) return;
  const parent = dirname(resolve(dataDir));
  if (!existsSync(parent)) {
    throw new UsageError(
      `embedded.data_dir (--data-dir, OCP_AGG_DATA_DIR): ${dataDir}: the folder it would be created in, ${parent}, ` +
        "does not exist; create it first, or fix the path",
    );
  }
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
