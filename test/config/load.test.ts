// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests write YAML holding ${VAR} references
import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadConfigDetailed } from "../../src/config/index.js";
import { POC_STYLE_CONFIG, writeConfig } from "./helpers.js";

describe("defaults", () => {
  it("gives a complete config with nothing configured", () => {
    const config = loadConfig({ env: {} });
    expect(config).toEqual({
      run: {
        kokuSql: "trino",
        steps: ["summary", "inventory", "gpu", "vm"],
        summaryParquet: null,
        allowEmpty: false,
      },
      input: null,
      s3: { region: "us-east-1", forcePathStyle: false, attemptTimeoutMs: 30000, deadlineMs: 60000 },
      database: {
        url: null,
        schema: null,
        statementTimeoutMs: 0,
        swapLockTimeoutMs: 2000,
        indexBuildMemoryMb: 256,
        indexBuildWorkers: 0,
      },
      embedded: { dataDir: null, port: null },
      performance: {
        mode: "streaming",
        chunkSize: 100000,
        columnFiltering: true,
        useCategorical: true,
        readAheadRowGroups: 2,
      },
      reference: { enabledTagKeys: null, costCategories: null, nodeRoles: null },
      logging: { level: "info", format: "auto", progress: "auto" },
      ocpOnAws: {
        awsSourceUuid: null,
        billId: null,
        markup: null,
        distribution: null,
        awsEnabledTagKeys: null,
        sharedOcpSources: [],
      },
      queue: { url: null, schema: "pgboss" },
      job: { retryLimit: 3, retryDelaySeconds: 30, timeoutSeconds: 900, heartbeatSeconds: 20 },
      worker: {
        concurrency: 1,
        metricsHost: "0.0.0.0",
        metricsPort: 9464,
        pollSeconds: 2,
        maintenanceSeconds: 10,
        shutdownGraceSeconds: 25,
      },
      strict: false,
    });
  });
});

describe("precedence: defaults < file < env < overrides", () => {
  const file = writeConfig(`
run:
  source_uuid: from-file
  year: 2025
  month: 10
  cluster_id: file-cluster
performance:
  chunk_size: 111
  mode: in-memory
logging:
  level: debug
`);

  it("takes the file over defaults", () => {
    const config = loadConfig({ file, env: {} });
    expect(config.run.sourceUuid).toBe("from-file");
    expect(config.performance.chunkSize).toBe(111);
    expect(config.performance.mode).toBe("in-memory");
    expect(config.logging.level).toBe("debug");
    expect(config.performance.columnFiltering).toBe(true);
  });

  it("takes env over the file, and overrides over env", () => {
    const env = { OCP_PROVIDER_UUID: "from-env", OCP_AGG_CHUNK_SIZE: "222", OCP_CLUSTER_ID: "env-cluster" };
    const fromEnv = loadConfigDetailed({ file, env });
    expect(fromEnv.config.run.sourceUuid).toBe("from-env");
    expect(fromEnv.config.performance.chunkSize).toBe(222);
    expect(fromEnv.origins.get("performance.chunk_size")).toEqual({
      kind: "env",
      name: "OCP_AGG_CHUNK_SIZE",
    });

    const overridden = loadConfigDetailed({
      file,
      env,
      overrides: { run: { sourceUuid: "from-cli", clusterId: null }, performance: { chunkSize: "333" } },
    });
    expect(overridden.config.run.sourceUuid).toBe("from-cli");
    expect(overridden.config.run.clusterId).toBeNull();
    expect(overridden.config.performance.chunkSize).toBe(333);
    expect(overridden.origins.get("run.source_uuid")).toEqual({ kind: "override", option: "--source-uuid" });
    // Keys nobody overrode keep their lower-layer value.
    expect(overridden.config.run.month).toBe(10);
  });

  it("prefers our OCP_AGG_* name over the POC's name for the same key", () => {
    const config = loadConfig({ env: { OCP_AGG_YEAR: "2024", OCP_YEAR: "2023", POC_YEAR: "2022" } });
    expect(config.run.year).toBe(2024);
    expect(loadConfig({ env: { OCP_YEAR: "2023", POC_YEAR: "2022" } }).run.year).toBe(2023);
  });

  it("treats an empty environment variable as unset", () => {
    expect(loadConfig({ file, env: { OCP_PROVIDER_UUID: "" } }).run.sourceUuid).toBe("from-file");
  });
});

describe("the Python POC's config", () => {
  it("reads the POC layout with its ${VAR:-default} references", () => {
    const file = writeConfig(POC_STYLE_CONFIG);
    const { config, warnings } = loadConfigDetailed({
      file,
      env: {
        OCP_PROVIDER_UUID: "uuid-1",
        OCP_MONTH: "10",
        OCP_START_DATE: "2025-10-02",
        OCP_END_DATE: "2025-10-03",
      },
    });
    expect(config.run).toEqual({
      sourceUuid: "uuid-1",
      year: 2025,
      month: 10,
      startDate: "2025-10-02",
      endDate: "2025-10-03",
      clusterAlias: "OCP Cluster",
      reportPeriodId: 1,
      kokuSql: "trino",
      steps: ["summary", "inventory", "gpu", "vm"],
      summaryParquet: null,
      allowEmpty: false,
    });
    expect(config.performance).toMatchObject({ mode: "in-memory", chunkSize: 50000, columnFiltering: false });
    expect(config.logging).toMatchObject({ level: "info", format: "pretty" });
    expect(config.input).toBe("s3://cost-management");
    expect(config.database.url).toBe("postgresql://koku@db.example.internal:5432/koku");
    expect(config.database.schema).toBe("org1234567");
    expect(config.s3.accessKeyId).toBeUndefined();

    // Unset ${VAR} without default: the key is dropped with a warning (the POC would fail the load).
    expect(warnings).toContain(
      `config warning: ${file}: ocp.cluster_id ignored, environment variable OCP_CLUSTER_ID is not set`,
    );
    expect(warnings).toContain(
      `config warning: ${file}: performance.max_workers ignored (a POC setting ocp-aggregator does not use)`,
    );
    expect(warnings).toContain(
      `config warning: ${file}: features ignored (a POC setting ocp-aggregator does not use)`,
    );
  });

  it("maps use_streaming true to streaming mode", () => {
    const file = writeConfig("performance:\n  use_streaming: true\n");
    expect(loadConfig({ file, env: {} }).performance.mode).toBe("streaming");
  });

  it("accepts the POC's env names for S3 and prefixes a scheme-less endpoint per use_ssl", () => {
    const file = writeConfig(POC_STYLE_CONFIG);
    const config = loadConfig({
      file,
      env: {
        S3_ENDPOINT: "minio:9000",
        S3_ACCESS_KEY: "AKIA1",
        S3_SECRET_KEY: "s3cr3t",
        S3_BUCKET: "koku-bucket",
      },
    });
    expect(config.s3).toEqual({
      endpoint: "http://minio:9000",
      region: "us-east-1",
      accessKeyId: "AKIA1",
      secretAccessKey: "s3cr3t",
      forcePathStyle: true,
      attemptTimeoutMs: 30000,
      deadlineMs: 60000,
    });
    expect(config.input).toBe("s3://koku-bucket");
  });

  it("accepts the POC's log level spellings", () => {
    expect(loadConfig({ env: { LOG_LEVEL: "WARNING" } }).logging.level).toBe("warn");
    expect(loadConfig({ env: { LOG_LEVEL: "DEBUG" } }).logging.level).toBe("debug");
    expect(loadConfig({ env: { LOG_LEVEL: "CRITICAL" } }).logging.level).toBe("error");
  });
});

describe("environment names", () => {
  it("reads every POC run variable", () => {
    const config = loadConfig({
      env: {
        OCP_PROVIDER_UUID: "u",
        OCP_CLUSTER_ID: "c",
        OCP_CLUSTER_ALIAS: "alias",
        OCP_YEAR: "2025",
        OCP_MONTH: "6",
        OCP_START_DATE: "2025-06-10",
        OCP_END_DATE: "2025-06-11",
        ORG_ID: "org1",
        KOKU_SQL: "onprem",
      },
    });
    expect(config.run).toEqual({
      sourceUuid: "u",
      clusterId: "c",
      clusterAlias: "alias",
      year: 2025,
      month: 6,
      startDate: "2025-06-10",
      endDate: "2025-06-11",
      orgId: "org1",
      kokuSql: "onprem",
      steps: ["summary", "inventory", "gpu", "vm"],
      summaryParquet: null,
      allowEmpty: false,
    });
  });

  it("expands ~/ in local paths", () => {
    const config = loadConfig({ env: { OCP_AGG_INPUT: "~/koku", OCP_AGG_DATA_DIR: "~/pg" } });
    expect(config.input).toBe(`${homedir()}/koku`);
    expect(config.embedded.dataDir).toBe(`${homedir()}/pg`);
  });

  it("builds input from S3_BUCKET and S3_PREFIX only when no input is given", () => {
    expect(loadConfig({ env: { S3_BUCKET: "b", S3_PREFIX: "/warehouse/" } }).input).toBe("s3://b/warehouse");
    expect(loadConfig({ env: { S3_BUCKET: "b", OCP_AGG_INPUT: "/data/koku" } }).input).toBe("/data/koku");
    expect(loadConfig({ env: { S3_BUCKET: "b" }, overrides: { input: "./local" } }).input).toBe("./local");
  });

  it("builds database.url from POSTGRES_* with each part URL-encoded", () => {
    const config = loadConfig({
      env: {
        POSTGRES_HOST: "db.local",
        POSTGRES_PORT: "6543",
        POSTGRES_DB: "ko ku",
        POSTGRES_USER: "us@er",
        POSTGRES_PASSWORD: "p@ss:w%rd/#?",
        POSTGRES_SCHEMA: "org42",
      },
    });
    expect(config.database.url).toBe("postgresql://us%40er:p%40ss%3Aw%25rd%2F%23%3F@db.local:6543/ko%20ku");
    expect(config.database.schema).toBe("org42");
    const url = new URL(config.database.url ?? "");
    expect(decodeURIComponent(url.password)).toBe("p@ss:w%rd/#?");
  });

  it("lets DATABASE_URL stand when POSTGRES_* parts come from a lower layer, and overlays newer parts", () => {
    const file = writeConfig("postgresql:\n  host: file-host\n  password: file-pw\n");
    const urlWins = loadConfig({
      file,
      env: { DATABASE_URL: "postgres://a:b@env-host:5432/db?sslmode=require" },
    });
    expect(urlWins.database.url).toBe("postgres://a:b@env-host:5432/db?sslmode=require");

    const fileUrl = writeConfig(
      "database:\n  url: postgresql://app:old@file-host:5432/koku?sslmode=require\n",
    );
    const overlaid = loadConfig({ file: fileUrl, env: { POSTGRES_PASSWORD: "n3w@" } });
    expect(overlaid.database.url).toBe("postgresql://app:n3w%40@file-host:5432/koku?sslmode=require");
  });

  it("keeps the embedded database when POSTGRES_* parts name no host", () => {
    const { config, warnings } = loadConfigDetailed({ env: { POSTGRES_PASSWORD: "x" } });
    expect(config.database.url).toBeNull();
    expect(warnings.join("\n")).toMatch(/postgresql\.password set without postgresql\.host/);
  });

  it("parses reference data from env as comma lists and JSON", () => {
    const config = loadConfig({
      env: {
        OCP_AGG_ENABLED_TAG_KEYS: "app, env,team",
        OCP_AGG_COST_CATEGORIES: '[{"namespace":"openshift-%","cost_category_id":1}]',
        OCP_AGG_NODE_ROLES: '[{"node":"alpha","resource_id":"i-1","node_role":"worker"},{"node":"beta"}]',
      },
    });
    expect(config.reference).toEqual({
      enabledTagKeys: ["app", "env", "team"],
      costCategories: [{ namespace: "openshift-%", cost_category_id: 1 }],
      nodeRoles: [
        { node: "alpha", resource_id: "i-1", node_role: "worker" },
        { node: "beta", resource_id: null, node_role: null },
      ],
    });
  });
});

describe("our own layout and flat keys", () => {
  it("loads a sample fixture's params.json as a config file", () => {
    const file = "test/fixtures/koku-samples/sample-basic/params.json";
    const { config, warnings } = loadConfigDetailed({ file, env: {} });
    expect(config.run).toMatchObject({
      sourceUuid: "5a74472b-8173-5647-939c-3a4cc520570f",
      year: 2025,
      month: 10,
      startDate: "2025-10-30",
      endDate: "2025-10-31",
      reportPeriodId: 7,
      orgId: "org1234567",
    });
    expect(config.reference.enabledTagKeys).toContain("app");
    expect(config.reference.costCategories).toContainEqual({ namespace: "kube-%", cost_category_id: 1 });
    expect(config.reference.nodeRoles).toEqual([
      { node: "alpha", resource_id: "i-55555555", node_role: "worker" },
    ]);
    expect(warnings).toEqual([]); // `counts` describes the dataset; it is no setting and no typo
  });

  it("keeps a YAML number given for a text key as written", () => {
    const file = writeConfig("run:\n  cluster_id: 0123\n  report_period_id: 5\n");
    const config = loadConfig({ file, env: {} });
    expect(config.run.clusterId).toBe("0123");
    expect(config.run.reportPeriodId).toBe(5);
  });

  it("warns about unknown keys with a suggestion, and about two spellings of one key", () => {
    const file = writeConfig("performance:\n  chunk_sise: 5\ns3:\n  access_key: a\n  access_key_id: b\n");
    const { config, warnings } = loadConfigDetailed({ file, env: {} });
    expect(config.s3.accessKeyId).toBe("b");
    expect(warnings).toEqual([
      `config warning: ${file}: s3.access_key ignored, s3.access_key_id is also set`,
      `config warning: ${file}: unknown key performance.chunk_sise ignored (did you mean performance.chunk_size?)`,
    ]);
  });

  it("passes warnings to onWarning, from loadConfig and loadConfigDetailed alike", () => {
    const file = writeConfig("run:\n  bogus: 1\n");
    const seen: string[] = [];
    loadConfig({ file, env: {}, onWarning: (message) => seen.push(message) });
    loadConfigDetailed({ file, env: {}, onWarning: (message) => seen.push(message) });
    expect(seen).toEqual([
      `config warning: ${file}: unknown key run.bogus ignored`,
      `config warning: ${file}: unknown key run.bogus ignored`,
    ]);
  });

  it("fails on an unknown top-level key: a misspelt section must not send rows elsewhere", () => {
    const file = writeConfig("databse:\n  url: postgres://u@db:5432/koku\n");
    const seen: string[] = [];
    expect(() => loadConfig({ file, env: {}, onWarning: (m) => seen.push(m) })).toThrow(
      `config error: ${file}: databse: unknown top-level key: everything under it would be ignored (did you mean database?)`,
    );
    expect(() => loadConfig({ file: writeConfig("bogus: 1\n"), env: {} })).toThrow(ConfigError);
  });

  it("makes unknown keys errors under config.strict (file, env or option), with the warnings still given", () => {
    const typo = "run:\n  cluster_alais: prod\n";
    const file = writeConfig(typo);
    const loose = loadConfigDetailed({ file, env: {} });
    expect(loose.config.run.clusterAlias).toBeUndefined();
    expect(loose.warnings).toEqual([
      `config warning: ${file}: unknown key run.cluster_alais ignored (did you mean run.cluster_alias?)`,
    ]);
    const strictError = `config error: ${file}: run.cluster_alais: unknown key (config.strict is on) (did you mean run.cluster_alias?)`;
    expect(() => loadConfig({ file, env: {}, overrides: { strict: true } })).toThrow(strictError);
    expect(() => loadConfig({ file, env: { OCP_AGG_STRICT: "true" } })).toThrow(strictError);
    const inFile = writeConfig(`config:\n  strict: true\n${typo}`);
    expect(() => loadConfig({ file: inFile, env: {} })).toThrow(/run\.cluster_alais: unknown key/);
    // Known-but-unused POC keys stay warnings under strict: they are no typos.
    const poc = writeConfig("config:\n  strict: true\nperformance:\n  max_workers: 4\n");
    expect(loadConfigDetailed({ file: poc, env: {} }).warnings).toEqual([
      `config warning: ${poc}: performance.max_workers ignored (a POC setting ocp-aggregator does not use)`,
    ]);
  });

  it("accepts an empty file and empty sections", () => {
    expect(loadConfig({ file: writeConfig(""), env: {} }).run.kokuSql).toBe("trino");
    expect(loadConfigDetailed({ file: writeConfig("ocp:\ns3:\n"), env: {} }).warnings).toEqual([]);
  });
});

describe("${VAR} substitution", () => {
  it("substitutes inside longer strings and in lists", () => {
    const file = writeConfig(
      "input: ${ROOT:-/srv}/koku/${ORG}\nreference:\n  enabled_tag_keys: [app, '${EXTRA_KEY:-team}']\n",
    );
    const config = loadConfig({ file, env: { ORG: "org9" } });
    expect(config.input).toBe("/srv/koku/org9");
    expect(config.reference.enabledTagKeys).toEqual(["app", "team"]);
  });

  it("uses the variable over the default, and an empty default as empty", () => {
    const file = writeConfig("run:\n  cluster_alias: ${ALIAS:-Default}\n  org_id: ${ORG:-}\n");
    expect(loadConfig({ file, env: { ALIAS: "Mine" } }).run).toMatchObject({
      clusterAlias: "Mine",
      orgId: null,
    });
    expect(loadConfig({ file, env: {} }).run.clusterAlias).toBe("Default");
  });

  it("names the variable in the origin of a bad substituted value", () => {
    const file = writeConfig("ocp:\n  month: ${RUN_MONTH:-11}\n");
    expect(() => loadConfig({ file, env: { RUN_MONTH: "nov" } })).toThrow(
      `config error: run.month: expected a month number (1-12), got "nov" (from ${file}: ocp.month via \${RUN_MONTH})`,
    );
  });
});
