/**
 * The catalog of settings: one entry per key, naming its YAML spellings (ours and the Python POC's),
 * its environment variables, its command-line option and its default. Loading, validation messages and
 * `config.example.yaml` all follow this one table, so a key cannot be half-supported.
 */
import {
  booleanKind,
  costCategoriesKind,
  dateKind,
  enumKind,
  identifierKind,
  integerBetween,
  listenPort,
  monthKind,
  nodeRolesKind,
  nonNegativeInteger,
  nullableId,
  nullablePort,
  nullableTextKind,
  optionalTextKind,
  positiveInteger,
  stepsKind,
  stringListKind,
  textKind,
  type ValueKind,
  yearKind,
} from "./schema.js";

export interface YamlAlias {
  key: string;
  /** Converts the alias's value to the key's value (e.g. `use_streaming: false` → `in-memory`). */
  map?: (value: unknown) => unknown;
}

export interface KeySpec {
  /** Our YAML key (snake_case, mirroring AppConfig); also the name used in messages. */
  key: string;
  /** Where the value lands in AppConfig; null for inputs of derived values (S3 bucket, POSTGRES_* parts). */
  target: readonly string[] | null;
  kind: ValueKind;
  default?: unknown;
  /** Environment variables, most specific first: the first one set wins. */
  env: readonly string[];
  /** Other YAML spellings: the POC's layout and flat keys (as in the sample fixtures' params.json). */
  aliases?: readonly YamlAlias[];
  option?: string;
  secret?: boolean;
  doc: string;
}

const streamingFlagToMode = (value: unknown): unknown => {
  const flag = typeof value === "string" ? booleanKind.fromText(value) : value;
  if (flag === true) return "streaming";
  if (flag === false) return "in-memory";
  return value;
};

const LOG_LEVEL_ALIASES = {
  warning: "warn",
  critical: "error",
  fatal: "error",
  verbose: "debug",
  notice: "info",
};
const LOG_FORMAT_ALIASES = { console: "pretty", text: "pretty", pretty: "pretty", json: "json" };
const PROGRESS_ALIASES = { true: "on", false: "off", yes: "on", no: "off", "1": "on", "0": "off" };

export const KEY_SPECS: readonly KeySpec[] = [
  // run: which source, month and constants
  {
    key: "run.source_uuid",
    target: ["run", "sourceUuid"],
    kind: textKind,
    env: ["OCP_AGG_SOURCE_UUID", "OCP_PROVIDER_UUID"],
    aliases: [{ key: "ocp.provider_uuid" }, { key: "source_uuid" }, { key: "provider_uuid" }],
    option: "--source-uuid",
    doc: "Koku source (provider) uuid of the OpenShift cluster; written to every row",
  },
  {
    key: "run.year",
    target: ["run", "year"],
    kind: yearKind,
    env: ["OCP_AGG_YEAR", "OCP_YEAR", "POC_YEAR"],
    aliases: [{ key: "ocp.year" }, { key: "year" }],
    option: "--year",
    doc: "year of the month to summarise",
  },
  {
    key: "run.month",
    target: ["run", "month"],
    kind: monthKind,
    env: ["OCP_AGG_MONTH", "OCP_MONTH", "POC_MONTH"],
    aliases: [{ key: "ocp.month" }, { key: "month" }],
    option: "--month",
    doc: "month to summarise (1-12)",
  },
  {
    key: "run.start_date",
    target: ["run", "startDate"],
    kind: dateKind,
    env: ["OCP_AGG_START_DATE", "OCP_START_DATE"],
    aliases: [{ key: "ocp.start_date" }, { key: "start_date" }],
    option: "--start-date",
    doc: "first day (YYYY-MM-DD, inclusive) inside the month; default: the 1st",
  },
  {
    key: "run.end_date",
    target: ["run", "endDate"],
    kind: dateKind,
    env: ["OCP_AGG_END_DATE", "OCP_END_DATE"],
    aliases: [{ key: "ocp.end_date" }, { key: "end_date" }],
    option: "--end-date",
    doc: "last day (YYYY-MM-DD, inclusive) inside the month; default: the month's last day",
  },
  {
    key: "run.cluster_id",
    target: ["run", "clusterId"],
    kind: nullableTextKind,
    env: ["OCP_AGG_CLUSTER_ID", "OCP_CLUSTER_ID"],
    aliases: [{ key: "ocp.cluster_id" }, { key: "cluster_id" }],
    option: "--cluster-id",
    doc: "cluster id written to every row",
  },
  {
    key: "run.cluster_alias",
    target: ["run", "clusterAlias"],
    kind: nullableTextKind,
    env: ["OCP_AGG_CLUSTER_ALIAS", "OCP_CLUSTER_ALIAS"],
    aliases: [{ key: "ocp.cluster_alias" }, { key: "cluster_alias" }],
    option: "--cluster-alias",
    doc: "cluster alias written to every row",
  },
  {
    key: "run.report_period_id",
    target: ["run", "reportPeriodId"],
    kind: nullableId,
    env: ["OCP_AGG_REPORT_PERIOD_ID", "OCP_REPORT_PERIOD_ID"],
    aliases: [{ key: "ocp.report_period_id" }, { key: "report_period_id" }],
    option: "--report-period-id",
    doc: "Koku report period id written to every row (null allowed)",
  },
  {
    key: "run.org_id",
    target: ["run", "orgId"],
    kind: optionalTextKind,
    env: ["OCP_AGG_ORG_ID", "ORG_ID"],
    aliases: [{ key: "ocp.org_id" }, { key: "org_id" }],
    option: "--org-id",
    doc: "tenant part of the object path (data/parquet/<org_id>/OCP/...)",
  },
  {
    key: "run.koku_sql",
    target: ["run", "kokuSql"],
    kind: enumKind(["trino", "onprem"]),
    default: "trino",
    env: ["OCP_AGG_KOKU_SQL", "KOKU_SQL"],
    aliases: [{ key: "koku_sql" }, { key: "ocp.koku_sql" }],
    option: "--koku-sql",
    doc: "which Koku SQL rendering to reproduce: trino or onprem (spec §12)",
  },
  {
    key: "run.steps",
    target: ["run", "steps"],
    kind: stepsKind,
    default: ["summary", "inventory", "gpu", "vm"],
    env: ["OCP_AGG_STEPS"],
    option: "--steps",
    doc: "which of Koku's OCP summary steps to run: summary, inventory, gpu, vm (comma-separated; default all)",
  },
  {
    key: "run.allow_empty",
    target: ["run", "allowEmpty"],
    kind: booleanKind,
    default: false,
    env: ["OCP_AGG_ALLOW_EMPTY"],
    option: "--allow-empty",
    doc: "let a run that finds no input files or no usage rows in its day range replace the range with nothing (default: it fails and changes nothing)",
  },
  // input
  {
    key: "input",
    target: ["input"],
    kind: optionalTextKind,
    default: null,
    env: ["OCP_AGG_INPUT"],
    aliases: [{ key: "run.input" }],
    option: "--input",
    doc: "root of the Koku Parquet tree: a local directory or s3://bucket/prefix",
  },
  {
    key: "s3.bucket",
    target: null,
    kind: optionalTextKind,
    env: ["OCP_AGG_S3_BUCKET", "S3_BUCKET", "S3_BUCKET_NAME"],
    doc: "with no input set, read s3://<bucket>/<prefix>",
  },
  {
    key: "s3.prefix",
    target: null,
    kind: optionalTextKind,
    env: ["OCP_AGG_S3_PREFIX", "S3_PREFIX"],
    doc: "key prefix inside the bucket (used with s3.bucket)",
  },
  {
    key: "s3.endpoint",
    target: ["s3", "endpoint"],
    kind: optionalTextKind,
    env: ["OCP_AGG_S3_ENDPOINT", "S3_ENDPOINT"],
    doc: "S3-compatible endpoint URL (MinIO, Ceph ...); unset for AWS",
  },
  {
    key: "s3.region",
    target: ["s3", "region"],
    kind: textKind,
    default: "us-east-1",
    env: ["OCP_AGG_S3_REGION", "S3_REGION", "AWS_REGION"],
    doc: "S3 region",
  },
  {
    key: "s3.access_key_id",
    target: ["s3", "accessKeyId"],
    kind: optionalTextKind,
    env: ["OCP_AGG_S3_ACCESS_KEY_ID", "S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID"],
    aliases: [{ key: "s3.access_key" }],
    secret: true,
    doc: "S3 access key id; unset → the AWS SDK's usual credential chain",
  },
  {
    key: "s3.secret_access_key",
    target: ["s3", "secretAccessKey"],
    kind: optionalTextKind,
    env: ["OCP_AGG_S3_SECRET_ACCESS_KEY", "S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"],
    aliases: [{ key: "s3.secret_key" }],
    secret: true,
    doc: "S3 secret access key",
  },
  {
    key: "s3.force_path_style",
    target: ["s3", "forcePathStyle"],
    kind: booleanKind,
    env: ["OCP_AGG_S3_FORCE_PATH_STYLE", "S3_FORCE_PATH_STYLE"],
    doc: "path-style bucket addressing; default: true when an endpoint is set (MinIO), else false",
  },
  {
    key: "s3.use_ssl",
    target: null,
    kind: booleanKind,
    default: true,
    env: ["OCP_AGG_S3_USE_SSL", "S3_USE_SSL"],
    doc: "scheme for an endpoint given without one (POC key): https when true, http when false",
  },
  // database
  {
    key: "database.url",
    target: ["database", "url"],
    kind: optionalTextKind,
    env: ["OCP_AGG_DATABASE_URL", "DATABASE_URL"],
    aliases: [{ key: "postgresql.url" }],
    option: "--database-url",
    secret: true,
    doc: "postgresql://user:password@host:port/db; unset (and no postgresql.host) → embedded PostgreSQL",
  },
  {
    key: "database.schema",
    target: ["database", "schema"],
    kind: optionalTextKind,
    default: null,
    env: ["OCP_AGG_DATABASE_SCHEMA", "POSTGRES_SCHEMA"],
    aliases: [{ key: "postgresql.schema" }],
    option: "--schema",
    doc: "schema of the summary table; unset → the run's org_id",
  },
  {
    key: "database.statement_timeout_ms",
    target: ["database", "statementTimeoutMs"],
    kind: nonNegativeInteger,
    default: 0,
    env: ["OCP_AGG_STATEMENT_TIMEOUT_MS"],
    doc: "PostgreSQL statement_timeout in milliseconds; 0 = none",
  },
  {
    key: "database.swap_lock_timeout_ms",
    target: ["database", "swapLockTimeoutMs"],
    kind: nonNegativeInteger,
    default: 2000,
    env: ["OCP_AGG_SWAP_LOCK_TIMEOUT_MS"],
    doc: "re-run of a month: how long to try for the locks that exchange the rebuilt month partition before replacing rows in place; 0 = never swap",
  },
  {
    key: "database.index_build_memory_mb",
    target: ["database", "indexBuildMemoryMb"],
    kind: positiveInteger,
    default: 256,
    env: ["OCP_AGG_INDEX_BUILD_MEMORY_MB"],
    doc: "maintenance_work_mem (MB) for the bulk index builds of a new or rebuilt month partition",
  },
  ...(["host", "port", "database", "user", "password"] as const).map(
    (part): KeySpec => ({
      key: `postgresql.${part}`,
      target: null,
      kind: part === "port" ? nullablePort : optionalTextKind,
      env: [`POSTGRES_${part === "database" ? "DB" : part.toUpperCase()}`],
      aliases: part === "database" ? [{ key: "postgresql.db" }] : [],
      secret: part === "password",
      doc: `POC-style connection part (${part}); builds database.url, overriding the same part of a lower-precedence url`,
    }),
  ),
  // embedded PostgreSQL
  {
    key: "embedded.data_dir",
    target: ["embedded", "dataDir"],
    kind: optionalTextKind,
    default: null,
    env: ["OCP_AGG_DATA_DIR"],
    option: "--data-dir",
    doc: "data directory of the embedded PostgreSQL; unset → the user's data folder",
  },
  {
    key: "embedded.port",
    target: ["embedded", "port"],
    kind: nullablePort,
    default: null,
    env: ["OCP_AGG_EMBEDDED_PORT"],
    doc: "port of the embedded PostgreSQL on 127.0.0.1; unset → a free port",
  },
  // performance
  {
    key: "performance.mode",
    target: ["performance", "mode"],
    kind: enumKind(["streaming", "in-memory"], { inmemory: "in-memory", in_memory: "in-memory" }),
    default: "streaming",
    env: ["OCP_AGG_MODE"],
    aliases: [{ key: "performance.use_streaming", map: streamingFlagToMode }, { key: "mode" }],
    option: "--mode",
    doc: "streaming (bounded memory) or in-memory (read ahead everything); identical rows",
  },
  {
    key: "performance.chunk_size",
    target: ["performance", "chunkSize"],
    kind: positiveInteger,
    default: 100000,
    env: ["OCP_AGG_CHUNK_SIZE"],
    doc: "rows per decoded batch",
  },
  {
    key: "performance.column_filtering",
    target: ["performance", "columnFiltering"],
    kind: booleanKind,
    default: true,
    env: ["OCP_AGG_COLUMN_FILTERING"],
    doc: "read only the columns the summary needs",
  },
  {
    key: "performance.use_categorical",
    target: ["performance", "useCategorical"],
    kind: booleanKind,
    default: true,
    env: ["OCP_AGG_USE_CATEGORICAL"],
    doc: "hand dictionary-encoded strings to the engine as codes",
  },
  {
    key: "performance.read_ahead_row_groups",
    target: ["performance", "readAheadRowGroups"],
    kind: nonNegativeInteger,
    default: 2,
    env: ["OCP_AGG_READ_AHEAD_ROW_GROUPS"],
    doc: "row groups decoded ahead of the aggregation in streaming mode",
  },
  // reference data used when the database has no Koku tables
  {
    key: "reference.enabled_tag_keys",
    target: ["reference", "enabledTagKeys"],
    kind: stringListKind,
    default: null,
    env: ["OCP_AGG_ENABLED_TAG_KEYS"],
    aliases: [{ key: "enabled_tag_keys" }],
    doc: "enabled OCP tag keys (env: comma list or JSON array)",
  },
  {
    key: "reference.cost_categories",
    target: ["reference", "costCategories"],
    kind: costCategoriesKind,
    default: null,
    env: ["OCP_AGG_COST_CATEGORIES"],
    aliases: [{ key: "cost_categories" }],
    doc: "cost-category namespace LIKE patterns (env: JSON array)",
  },
  {
    key: "reference.node_roles",
    target: ["reference", "nodeRoles"],
    kind: nodeRolesKind,
    default: null,
    env: ["OCP_AGG_NODE_ROLES"],
    aliases: [{ key: "node_roles" }],
    doc: "node roles as in reporting_ocp_nodes (env: JSON array)",
  },
  // the configuration itself
  {
    key: "config.strict",
    target: ["strict"],
    kind: booleanKind,
    default: false,
    env: ["OCP_AGG_STRICT"],
    option: "--strict",
    doc: "unknown keys in the config file are errors (exit 2), not warnings; unknown top-level sections always are",
  },
  // logging
  {
    key: "logging.level",
    target: ["logging", "level"],
    kind: enumKind(["trace", "debug", "info", "warn", "error"], LOG_LEVEL_ALIASES),
    default: "info",
    env: ["OCP_AGG_LOG_LEVEL", "LOG_LEVEL"],
    option: "--log-level",
    doc: "trace, debug, info, warn or error (the POC's INFO/WARNING/... are accepted)",
  },
  {
    key: "logging.format",
    target: ["logging", "format"],
    kind: enumKind(["auto", "json", "pretty"], LOG_FORMAT_ALIASES),
    default: "auto",
    env: ["OCP_AGG_LOG_FORMAT"],
    option: "--log-format",
    doc: "auto (pretty on a terminal, JSON lines otherwise), json or pretty (POC: console)",
  },
  {
    key: "logging.progress",
    target: ["logging", "progress"],
    kind: enumKind(["auto", "on", "off"], PROGRESS_ALIASES),
    default: "auto",
    env: ["OCP_AGG_PROGRESS"],
    option: "--progress",
    doc: "progress bar: auto (terminal and not CI), on or off",
  },
  // job queue: `submit` and `worker` (pg-boss tables in PostgreSQL)
  {
    key: "queue.url",
    target: ["queue", "url"],
    kind: optionalTextKind,
    default: null,
    env: ["OCP_AGG_QUEUE_URL"],
    option: "--queue-url",
    secret: true,
    doc: "PostgreSQL holding the job queue; unset → the output database (database.url)",
  },
  {
    key: "queue.schema",
    target: ["queue", "schema"],
    kind: identifierKind,
    default: "pgboss",
    env: ["OCP_AGG_QUEUE_SCHEMA"],
    option: "--queue-schema",
    doc: "schema of the queue's tables (created on first use)",
  },
  // what each job carries, set when it is submitted (workers cannot change it for queued jobs)
  {
    key: "job.retry_limit",
    target: ["job", "retryLimit"],
    kind: integerBetween(0, 100),
    default: 3,
    env: ["OCP_AGG_JOB_RETRY_LIMIT"],
    option: "--retry-limit",
    doc: "retries after the first attempt before a job is left failed",
  },
  {
    key: "job.retry_delay_seconds",
    target: ["job", "retryDelaySeconds"],
    kind: integerBetween(0, 86_400),
    default: 30,
    env: ["OCP_AGG_JOB_RETRY_DELAY_SECONDS"],
    option: "--retry-delay-seconds",
    doc: "first retry delay; doubles per attempt (with jitter)",
  },
  {
    key: "job.timeout_seconds",
    target: ["job", "timeoutSeconds"],
    // pg-boss refuses expirations of 24 hours or more
    kind: integerBetween(1, 86_399),
    default: 900,
    env: ["OCP_AGG_JOB_TIMEOUT_SECONDS"],
    option: "--job-timeout-seconds",
    doc: "longest an attempt may run; a live attempt past it is failed and retried",
  },
  {
    key: "job.heartbeat_seconds",
    target: ["job", "heartbeatSeconds"],
    // pg-boss's minimum
    kind: integerBetween(10, 3600),
    default: 20,
    env: ["OCP_AGG_JOB_HEARTBEAT_SECONDS"],
    option: "--job-heartbeat-seconds",
    doc: "a running attempt's worker reports every half of this; silent this long (worker killed) → retried elsewhere",
  },
  // a worker process
  {
    key: "worker.concurrency",
    target: ["worker", "concurrency"],
    kind: integerBetween(1, 64),
    default: 1,
    env: ["OCP_AGG_WORKER_CONCURRENCY"],
    option: "--concurrency",
    doc: "jobs one worker process runs at once",
  },
  {
    key: "worker.metrics_host",
    target: ["worker", "metricsHost"],
    kind: textKind,
    default: "0.0.0.0",
    env: ["OCP_AGG_METRICS_HOST"],
    option: "--metrics-host",
    doc: "address of the worker's /metrics and /healthz",
  },
  {
    key: "worker.metrics_port",
    target: ["worker", "metricsPort"],
    kind: listenPort,
    default: 9464,
    env: ["OCP_AGG_METRICS_PORT"],
    option: "--metrics-port",
    doc: "port of /metrics and /healthz; 0 = any free one (logged)",
  },
  {
    key: "worker.poll_seconds",
    target: ["worker", "pollSeconds"],
    kind: integerBetween(1, 3600),
    default: 2,
    env: ["OCP_AGG_POLL_SECONDS"],
    option: "--poll-seconds",
    doc: "how often an idle worker asks for a job",
  },
  {
    key: "worker.maintenance_seconds",
    target: ["worker", "maintenanceSeconds"],
    kind: integerBetween(1, 3600),
    default: 10,
    env: ["OCP_AGG_MAINTENANCE_SECONDS"],
    option: "--maintenance-seconds",
    doc: "how often one of the workers fails jobs whose heartbeat stopped or whose timeout passed (to be retried)",
  },
  {
    key: "worker.shutdown_grace_seconds",
    target: ["worker", "shutdownGraceSeconds"],
    kind: integerBetween(1, 3600),
    default: 25,
    env: ["OCP_AGG_SHUTDOWN_GRACE_SECONDS"],
    option: "--shutdown-grace-seconds",
    doc: "on SIGTERM, how long running jobs may take to finish before they go back to the queue",
  },
];
