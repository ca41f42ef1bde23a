/**
 * Failures that map to the process exit codes: 2 for bad usage or configuration (ConfigError, UsageError),
 * 1 for a run that failed. They live here, beside ConfigError, so library code (queue/, run/) can raise a
 * usage error without reaching up into the CLI.
 */
import { ConfigError } from "./origin.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Bad input from the user (options, job files, settings) that is not a configuration key. */
export class UsageError extends Error {}

/** True for the failures reported as bad usage (exit code 2) rather than a failed run. */
export function isUsageFailure(err: unknown): boolean {
  return err instanceof ConfigError || err instanceof UsageError;
}
