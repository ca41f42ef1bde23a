/**
 * Set-up shared by the step integration tests (inventory, GPU, VM) and the VM differential: one embedded
 * PostgreSQL with a connected client and a work folder for the file, generated scenarios in it, and the config
 * that runs a dataset into a schema of that database.
 *
 *   const env = useStepDatabase("ocp-gpu-");        // at module level: registers beforeAll / afterAll
 *   const dataset = await env.generate("gpu-nodes");
 *   await env.run(env.config(dataset, { schema: "org_gpu", kokuSql: "onprem" }));
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { createLogger } from "../../../src/cli/logger.js";
import { loadConfig } from "../../../src/config/index.js";
import type { AppConfig } from "../../../src/config/schema.js";
import { type GenerateResult, generateDataset } from "../../../src/generate/index.js";
import type { KokuSqlFlavor } from "../../../src/model.js";
import { datasetOverrides } from "../../../src/run/dataset-config.js";
import { runAggregateJob } from "../../../src/run/job.js";
import { startTestPostgres, type TestPostgres } from "../../helpers/postgres.js";

export interface RunOptions {
  schema: string;
  kokuSql?: KokuSqlFlavor;
  startDate?: string;
  endDate?: string;
  clusterAlias?: string;
  /** Another dataset folder with the same run (e.g. a copy with files removed). */
  input?: string;
}

export interface StepDatabase {
  /** postgres://… of the test database (valid from beforeAll on). */
  readonly url: string;
  readonly client: pg.Client;
  /** A temporary folder removed after the file's tests. */
  readonly workDir: string;
  /** Generates a named scenario into `workDir/<folder>` (default: the scenario's name), replacing what is there. */
  generate(scenario: string, folder?: string): Promise<GenerateResult>;
  /** The config that runs `dataset` (its params.json run and reference data) into `schema`. */
  config(dataset: GenerateResult, options: RunOptions): AppConfig;
  /** `aggregate` with a quiet logger. */
  run(config: AppConfig): ReturnType<typeof runAggregateJob>;
}

const logger = createLogger({ level: "error", format: "json" });

export function useStepDatabase(prefix: string): StepDatabase {
  let db: TestPostgres | undefined;
  let client: pg.Client | undefined;
  let workDir: string | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useStepDatabase: ${what} is set up in beforeAll`);
    return value;
  };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), prefix));
    db = await startTestPostgres();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const env: StepDatabase = {
    get url() {
      return ready(db, "the database").url;
    },
    get client() {
      return ready(client, "the client");
    },
    get workDir() {
      return ready(workDir, "the work folder");
    },
    generate: (scenario, folder) =>
      generateDataset({ out: join(env.workDir, folder ?? scenario), scenario, overwrite: true }),
    config(dataset, options) {
      const base = datasetOverrides(dataset.params, options.input ?? dataset.dir);
      return loadConfig({
        env: {},
        overrides: {
          ...base,
          run: {
            ...base.run,
            ...(options.kokuSql ? { kokuSql: options.kokuSql } : {}),
            ...(options.startDate ? { startDate: options.startDate } : {}),
            ...(options.endDate ? { endDate: options.endDate } : {}),
            ...(options.clusterAlias ? { clusterAlias: options.clusterAlias } : {}),
          },
          database: { url: env.url, schema: options.schema },
        },
      });
    },
    run: (config) => runAggregateJob(config, { logger }),
  };
  return env;
}
