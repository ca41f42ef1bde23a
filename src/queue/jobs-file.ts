/** A `--jobs` file: a YAML or JSON list of job objects (validated later, after shared fields are added). */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { UsageError } from "../config/errors.js";

export function readJobsFile(path: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    parsed = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--jobs ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(list) || list.length === 0) {
    throw new UsageError(`--jobs ${path}: expected a non-empty list of jobs (or {jobs: [...]})`);
  }
  return list.map((entry, index) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new UsageError(`--jobs ${path}: entry ${index + 1} is not an object`);
    }
    return entry as Record<string, unknown>;
  });
}
