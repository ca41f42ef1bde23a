import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, resolveDatabaseSchema, resolveRunParams } from "../../src/config/index.js";
import { writeConfig } from "./helpers.js";

const UUID = "7b6f505b-2ee8-5db3-865e-a9ce645da42c";

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("validation messages name the key and where the value came from", () => {
  it("env", () => {
    expect(() => loadConfig({ env: { OCP_AGG_CHUNK_SIZE: "abc" } })).toThrow(
      'config error: performance.chunk_size: expected a positive integer, got "abc" (from env OCP_AGG_CHUNK_SIZE)',
    );
  });

  it("file", () => {
    const file = writeConfig("performance:\n  chunk_size: -5\nlogging:\n  level: loud\n");
    const error = errorOf(() => loadConfig({ file, env: {} }));
    expect(error.message.split("\n")).toEqual([
      `config error: performance.chunk_size: expected a positive integer, got -5 (from ${file}: performance.chunk_size)`,
      `config error: logging.level: expected one of "trace", "debug", "info", "warn", "error", got "loud" (from ${file}: logging.level)`,
    ]);
  });

  it("command-line overrides", () => {
    expect(() => loadConfig({ env: {}, overrides: { run: { year: "20x5" } } })).toThrow(
      'config error: run.year: expected a year (1970-9999), got "20x5" (from option --year)',
    );
    expect(() => loadConfig({ env: {}, overrides: { performance: { mode: "fast" } } })).toThrow(
      'config error: performance.mode: expected one of "streaming", "in-memory", got "fast" (from option --mode)',
    );
    // ocp-on-aws's own options are named as typed, not by their config path
    expect(() => loadConfig({ env: {}, overrides: { ocpOnAws: { distribution: "cpus" } } })).toThrow(
      'config error: ocp_on_aws.distribution: expected one of "cpu", "memory" or null, got "cpus" (from option --distribution)',
    );
  });

  it("POC aliases report the spelling used", () => {
    const file = writeConfig("performance:\n  use_streaming: maybe\n");
    expect(() => loadConfig({ file, env: {} })).toThrow(
      `config error: performance.mode: expected one of "streaming", "in-memory", got "maybe" (from ${file}: performance.use_streaming)`,
    );
  });

  it("points inside lists", () => {
    const file = writeConfig("cost_categories:\n  - namespace: kube-%\n    cost_category_id: one\n");
    expect(() => loadConfig({ file, env: {} })).toThrow(
      `config error: reference.cost_categories[0].cost_category_id: expected an integer id, got "one" (from ${file}: cost_categories)`,
    );
  });

  it("never prints a secret's value", () => {
    const error = errorOf(() => loadConfig({ env: { DATABASE_URL: "mysql://root:hunter2@db/x" } }));
    expect(error.message).toBe(
      "config error: database.url: expected a URL like postgresql://user:password@host:5432/database (from env DATABASE_URL)",
    );
    expect(error.message).not.toContain("hunter2");
  });

  it("reports every problem at once", () => {
    const error = errorOf(() =>
      loadConfig({
        env: { OCP_MONTH: "13", OCP_AGG_EMBEDDED_PORT: "70000", OCP_AGG_COLUMN_FILTERING: "sometimes" },
      }),
    );
    expect(error.issues.map((issue) => issue.key)).toEqual([
      "run.month",
      "embedded.port",
      "performance.column_filtering",
    ]);
    expect(error.issues[2].message).toBe('expected true or false, got "sometimes"');
  });

  it("checks dates are real, ordered and inside the run's month", () => {
    expect(() => loadConfig({ env: { OCP_START_DATE: "2025-02-30" } })).toThrow(
      'config error: run.start_date: expected a date YYYY-MM-DD, got "2025-02-30" (from env OCP_START_DATE)',
    );
    const error = errorOf(() =>
      loadConfig({
        env: { OCP_YEAR: "2025", OCP_MONTH: "10", OCP_START_DATE: "2025-10-20", OCP_END_DATE: "2025-11-01" },
      }),
    );
    expect(error.message).toContain(
      "config error: run.end_date: 2025-11-01 is outside the run's month 2025-10 (from env OCP_END_DATE)",
    );
    expect(() => loadConfig({ env: { OCP_START_DATE: "2025-10-20", OCP_END_DATE: "2025-10-19" } })).toThrow(
      "config error: run.end_date: 2025-10-19 is before run.start_date 2025-10-20 (from env OCP_END_DATE)",
    );
  });

  it("rejects a malformed s3 input or summary location and unreadable files", () => {
    expect(() => loadConfig({ env: { OCP_AGG_INPUT: "s3://" } })).toThrow(
      'config error: input: expected a local directory or s3://bucket[/prefix], got "s3://" (from env OCP_AGG_INPUT)',
    );
    for (const location of ["s3:/bucket", "S3://bucket/prefix", "gs://bucket/prefix", "s3:bucket"]) {
      expect(() => loadConfig({ env: {}, overrides: { input: location } })).toThrow(
        `config error: input: expected a local directory or s3://bucket[/prefix], got "${location}" (from option --input)`,
      );
    }
    for (const location of ["s3://", "s3:///prefix", "gs://bucket/prefix", "s3:bucket"]) {
      expect(() => loadConfig({ env: {}, overrides: { run: { summaryParquet: location } } })).toThrow(
        `config error: run.summary_parquet: expected a local directory or s3://bucket[/prefix], got "${location}" (from option --summary-parquet)`,
      );
    }
    expect(loadConfig({ env: { OCP_AGG_SUMMARY_PARQUET: "s3://hive/t" } }).run.summaryParquet).toBe(
      "s3://hive/t",
    );
    expect(() => loadConfig({ file: "/nonexistent/config.yaml", env: {} })).toThrow(
      "config error: /nonexistent/config.yaml: cannot read config file: file not found",
    );
    const broken = writeConfig("run: [1\n");
    expect(() => loadConfig({ file: broken, env: {} })).toThrow(/config error: .*config\.yaml: invalid YAML/);
    expect(() => loadConfig({ file: writeConfig("- a\n- b\n"), env: {} })).toThrow(
      /expected a mapping of settings at the top level/,
    );
  });
});

describe("resolveRunParams", () => {
  it("fills the whole month and nulls", () => {
    const config = loadConfig({ env: { OCP_PROVIDER_UUID: UUID, OCP_YEAR: "2024", OCP_MONTH: "2" } });
    expect(resolveRunParams(config)).toEqual({
      sourceUuid: UUID,
      year: 2024,
      month: 2,
      startDate: "2024-02-01",
      endDate: "2024-02-29",
      clusterId: null,
      clusterAlias: null,
      reportPeriodId: null,
      orgId: null,
      kokuSql: "trino",
    });
  });

  it("says which required keys are missing and how to set them", () => {
    const error = errorOf(() => resolveRunParams(loadConfig({ env: { OCP_YEAR: "2025" } })));
    expect(error.message.split("\n")).toEqual([
      "config error: run.source_uuid: required, set it in the config file, with --source-uuid or OCP_PROVIDER_UUID",
      "config error: run.month: required, set it in the config file, with --month or OCP_MONTH",
    ]);
  });

  it("checks every value against Koku's table before anything runs", () => {
    const run = (overrides: Record<string, unknown>, database: Record<string, unknown> = {}) =>
      errorOf(() =>
        resolveRunParams(
          loadConfig({
            env: {},
            overrides: { run: { sourceUuid: UUID, year: "2025", month: "11", ...overrides }, database },
          }),
        ),
      ).message;
    expect(run({ sourceUuid: "not-a-uuid" })).toBe(
      'config error: run.source_uuid: expected a uuid like 7b6f505b-2ee8-5db3-865e-a9ce645da42c, got "not-a-uuid"',
    );
    expect(run({ clusterId: "c".repeat(51) })).toBe(
      "config error: run.cluster_id: at most 50 characters (Koku's column), got 51",
    );
    expect(run({ clusterAlias: "a".repeat(257) })).toMatch(/run\.cluster_alias: at most 256 characters/);
    expect(run({ reportPeriodId: "2147483648" })).toMatch(/run\.report_period_id: at most 2147483647/);
    expect(run({ orgId: "../other" })).toBe('config error: run.org_id: a single folder name, got "../other"');
    expect(run({}, { schema: "s".repeat(64) })).toMatch(
      /database\.schema: a PostgreSQL schema name has at most 63 bytes/,
    );
    // Several problems are reported together.
    expect(run({ sourceUuid: "x", clusterId: "c".repeat(60) }).split("\n")).toHaveLength(2);
    // An upper-case uuid is a uuid.
    const upper = loadConfig({
      env: {},
      overrides: { run: { sourceUuid: UUID.toUpperCase(), year: "2025", month: "1" } },
    });
    expect(resolveRunParams(upper).sourceUuid).toBe(UUID.toUpperCase());
  });

  it("picks the schema: configured, else org id, else public", () => {
    expect(resolveDatabaseSchema(loadConfig({ env: { POSTGRES_SCHEMA: "s", ORG_ID: "o" } }))).toBe("s");
    expect(resolveDatabaseSchema(loadConfig({ env: { ORG_ID: "o" } }))).toBe("o");
    expect(resolveDatabaseSchema(loadConfig({ env: {} }))).toBe("public");
  });
});
