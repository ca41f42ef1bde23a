/**
 * The `verify` job behind `ocp-aggregator verify`: the run's parameters and reference data from the
 * config (or from a dataset's params.json), then engine vs reference on the configured input.
 * Reads PostgreSQL only for reference data, and only when a database URL is configured (Koku's
 * tables win there, as in `aggregate`); it never writes and never starts the embedded PostgreSQL.
 */
import { resolveDatabaseSchema, resolveRunParams } from "../config/run-params.js";
import type { AppConfig } from "../config/schema.js";
import { loadDatasetParams } from "../generate/params-file.js";
import type { InputSource, ReferenceData, RunParams } from "../model.js";
import { openConfiguredInput } from "../run/input.js";
import { resolveReferenceData } from "../run/reference-data.js";
import { connect } from "../sink/connection.js";
import { runVerify, type VerifyResult } from "./run-verify.js";

export interface VerifyJobOptions {
  /** A dataset folder (or its params.json path): run parameters and reference data come from it. */
  params?: string;
  /** Use this source instead of opening config.input (tests). */
  source?: InputSource;
  log?: (message: string) => void;
}

export interface VerifyJobResult extends VerifyResult {
  run: RunParams;
  input: string;
  referenceOrigins: Record<string, string>;
}

async function runAndReference(
  config: AppConfig,
  options: VerifyJobOptions,
): Promise<{ run: RunParams; reference: ReferenceData; origins: Record<string, string> }> {
  if (options.params) {
    const dir = options.params.endsWith(".json")
      ? options.params.replace(/[/\\][^/\\]*$/, "")
      : options.params;
    const dataset = loadDatasetParams(dir);
    const run = { ...dataset.run, kokuSql: config.run.kokuSql };
    const origin = `params file in ${dir}`;
    return {
      run,
      reference: dataset.reference,
      origins: { enabledTagKeys: origin, costCategories: origin, nodeRoles: origin },
    };
  }
  const run = resolveRunParams(config);
  const schema = resolveDatabaseSchema(config);
  if (!config.database.url) {
    const { reference, origins } = await resolveReferenceData(null, schema, config);
    return { run, reference, origins };
  }
  const client = await connect(config.database.url, { applicationName: "ocp-aggregator verify" });
  try {
    const { reference, origins } = await resolveReferenceData(client, schema, config);
    return { run, reference, origins };
  } finally {
    await client.end().catch(() => {});
  }
}

export async function runVerifyJob(
  config: AppConfig,
  options: VerifyJobOptions = {},
): Promise<VerifyJobResult> {
  const { run, reference, origins } = await runAndReference(config, options);
  const source = options.source ?? openConfiguredInput(config, (message) => options.log?.(message));
  try {
    const result = await runVerify({
      source,
      run,
      reference,
      mode: config.performance.mode,
      readAhead: config.performance.readAheadRowGroups,
      log: options.log,
    });
    return { ...result, run, input: source.describe(), referenceOrigins: origins };
  } finally {
    if (!options.source) await source.close().catch(() => {});
  }
}
