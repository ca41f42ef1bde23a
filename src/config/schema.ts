/**
 * The validated shape of a run's configuration (AppConfig) and the zod schemas of its values.
 * Values arrive as text (env vars, `${VAR}` substitutions, command-line options) or typed YAML, so each
 * value kind pairs a zod schema (with the plain-words message users see) with a text coercion.
 */

import { z } from "zod";
import type { KokuSqlFlavor } from "../model.js";
import { RUN_STEPS, type RunStep } from "../model.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";
export type LogFormat = "auto" | "json" | "pretty";
export type ProgressSetting = "auto" | "on" | "off";
export type ProcessingMode = "streaming" | "in-memory";

export interface CostCategorySetting {
  namespace: string;
  cost_category_id: number;
}
export interface NodeRoleSetting {
  node: string;
  resource_id: string | null;
  node_role: string | null;
}

export interface AppConfig {
  run: {
    sourceUuid?: string;
    year?: number;
    month?: number;
    startDate?: string;
    endDate?: string;
    clusterId?: string | null;
    clusterAlias?: string | null;
    reportPeriodId?: number | null;
    orgId?: string | null;
    kokuSql: KokuSqlFlavor;
    /** Which of Koku's OCP summary steps the run does (`--steps`); default all. */
    steps: RunStep[];
    /** Local directory of Koku's Hive table reporting_ocpusagelineitem_daily_summary; null: no Parquet copy. */
    summaryParquet: string | null;
    /** A run that finds no input files or no usage rows in range may replace the range with nothing. */
    allowEmpty: boolean;
  };
  /** Local directory or `s3://bucket/prefix`; null when not configured. */
  input: string | null;
  s3: {
    endpoint?: string;
    region: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    forcePathStyle: boolean;
    /** Per-request timeout and the budget of a request with its retries (source/retry.ts). */
    attemptTimeoutMs: number;
    deadlineMs: number;
  };
  /** url null → the embedded PostgreSQL. */
  database: {
    url: string | null;
    schema: string | null;
    statementTimeoutMs: number;
    swapLockTimeoutMs: number;
    indexBuildMemoryMb: number;
    indexBuildWorkers: number;
  };
  embedded: { dataDir: string | null; port: number | null };
  performance: {
    mode: ProcessingMode;
    chunkSize: number;
    columnFiltering: boolean;
    useCategorical: boolean;
    readAheadRowGroups: number;
  };
  reference: {
    enabledTagKeys: string[] | null;
    costCategories: CostCategorySetting[] | null;
    nodeRoles: NodeRoleSetting[] | null;
  };
  logging: { level: LogLevel; format: LogFormat; progress: ProgressSetting };
  /** The `ocp-on-aws` command (the OCP source, cluster and days come from `run`). */
  ocpOnAws: {
    awsSourceUuid: string | null;
    billId: number | null;
    /** null: the AWS source's Koku cost model decides (else 0). */
    markup: number | null;
    /** null: the OCP source's Koku cost model decides (else cpu). */
    distribution: "cpu" | "memory" | null;
    awsEnabledTagKeys: string[] | null;
    /** `UUID=CLUSTER_ID[:ALIAS]` of the other clusters on the same AWS account. */
    sharedOcpSources: string[];
  };
  /** The job queue of `submit` and `worker` (pg-boss tables); url null → the output database. */
  queue: { url: string | null; schema: string };
  /** Policy each submitted job carries (set by `submit`; a worker cannot change it for queued jobs). */
  job: { retryLimit: number; retryDelaySeconds: number; timeoutSeconds: number; heartbeatSeconds: number };
  /** A `worker` process. */
  worker: {
    concurrency: number;
    metricsHost: string;
    /** 0 picks a free port (tests); the bound port is logged. */
    metricsPort: number;
    pollSeconds: number;
    maintenanceSeconds: number;
    shutdownGraceSeconds: number;
  };
  /** Unknown config-file keys are errors, not warnings. */
  strict: boolean;
}

/** One kind of value: how text becomes a candidate value, and the schema that judges it. */
export interface ValueKind {
  schema: z.ZodType;
  /** Turns text (env, substituted YAML, CLI) into the typed candidate; unparsable text is returned as is. */
  fromText(text: string): unknown;
  /** Text values: a YAML number or boolean here is taken as written (`cluster_id: 0123` stays "0123"). */
  textual?: boolean;
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const textToInteger = (text: string): unknown =>
  INTEGER_TEXT.test(text.trim()) ? Number(text.trim()) : text;
const NULL_WORDS = new Set(["null", "~", "none"]);

function integerKind(min: number, max: number, expected: string, nullable = false): ValueKind {
  const integer = z.number({ error: `expected ${expected}` }).int({ error: `expected ${expected}` });
  const bounded = integer
    .min(min, { error: `expected ${expected}` })
    .max(max, { error: `expected ${expected}` });
  return {
    schema: nullable ? bounded.nullable() : bounded,
    fromText: (text) => (nullable && NULL_WORDS.has(text.trim().toLowerCase()) ? null : textToInteger(text)),
  };
}

export const positiveInteger = integerKind(1, Number.MAX_SAFE_INTEGER, "a positive integer");
export const nonNegativeInteger = integerKind(0, Number.MAX_SAFE_INTEGER, "an integer >= 0");
export const yearKind = integerKind(1970, 9999, "a year (1970-9999)");
export const monthKind = integerKind(1, 12, "a month number (1-12)");
export const nullableId = integerKind(0, Number.MAX_SAFE_INTEGER, "an integer >= 0 or null", true);
export const nullablePort = integerKind(1, 65535, "a TCP port (1-65535) or null", true);
export const listenPort = integerKind(0, 65535, "a TCP port (0-65535; 0 = any free one)");
/** An integer within [min, max]. */
export const integerBetween = (min: number, max: number): ValueKind =>
  integerKind(min, max, `an integer ${min}..${max}`);

/** A lower-case SQL identifier that needs no quoting (schema names we create). */
export const identifierKind: ValueKind = {
  schema: z.string({ error: "expected a schema name" }).regex(/^[a-z_][a-z0-9_]*$/, {
    error: "expected lower-case letters, digits and _ (not starting with a digit)",
  }),
  fromText: (text) => text.trim(),
  textual: true,
};

const TRUE_WORDS = new Set(["true", "yes", "on", "1"]);
const FALSE_WORDS = new Set(["false", "no", "off", "0"]);
export const booleanKind: ValueKind = {
  schema: z.boolean({ error: "expected true or false" }),
  fromText(text) {
    const word = text.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return text;
  },
};

/** A required non-empty text value. */
export const textKind: ValueKind = {
  schema: z.string({ error: "expected text" }).min(1, { error: "expected non-empty text" }),
  fromText: (text) => text,
  textual: true,
};

/** Text that may be null (YAML `null`/`~`); an empty string stays an empty string. */
export const nullableTextKind: ValueKind = {
  schema: z.string({ error: "expected text or null" }).nullable(),
  fromText: (text) => text,
  textual: true,
};

/** Non-empty text or null; empty text means "not set" (e.g. `${VAR:-}`). */
export const optionalTextKind: ValueKind = {
  schema: z.string({ error: "expected non-empty text or null" }).min(1).nullable(),
  fromText: (text) => (text === "" ? null : text),
  textual: true,
};

/**
 * Where a table is written: a local directory or `s3://bucket[/prefix]`, or null. Any other `scheme://` (and an
 * s3:// URL without a bucket) is refused before a run starts rather than taken for a folder name.
 */
const LOCATION_EXPECTED = "expected a local directory or s3://bucket[/prefix]";
const S3_LOCATION = /^s3:\/\/[A-Za-z0-9._-]+(\/.*)?$/;
export const tableLocationKind: ValueKind = {
  schema: z
    .string({ error: LOCATION_EXPECTED })
    .min(1, { error: LOCATION_EXPECTED })
    .refine((text) => !/^([a-z][a-z0-9+.-]*:\/\/|s3:)/i.test(text) || S3_LOCATION.test(text), {
      error: LOCATION_EXPECTED,
    })
    .nullable(),
  fromText: (text) => (text === "" ? null : text),
  textual: true,
};

/** An enum; `aliases` maps other accepted spellings (e.g. the POC's `INFO`, `console`) to a value. */
export function enumKind(
  values: readonly [string, ...string[]],
  aliases: Record<string, string> = {},
): ValueKind {
  const expected = `expected one of ${values.map((v) => `"${v}"`).join(", ")}`;
  return {
    schema: z.enum(values, { error: expected }),
    fromText(text) {
      const word = text.trim().toLowerCase();
      return aliases[word] ?? (values.includes(word) ? word : text);
    },
  };
}

/** One of `values`, or null ("not set": something else decides, e.g. Koku's cost model). */
export function nullableEnumKind(values: readonly [string, ...string[]]): ValueKind {
  const kind = enumKind(values);
  return {
    schema: z
      .enum(values, { error: `expected one of ${values.map((v) => `"${v}"`).join(", ")} or null` })
      .nullable(),
    fromText: (text) => (NULL_WORDS.has(text.trim().toLowerCase()) ? null : kind.fromText(text)),
  };
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
export const dateKind: ValueKind = {
  schema: z
    .string({ error: "expected a date YYYY-MM-DD" })
    .refine(isCalendarDate, { error: "expected a date YYYY-MM-DD" }),
  fromText: (text) => text.trim(),
};

/** Lists come from YAML as lists, from text as JSON (`[...]`) or, for plain strings, comma-separated. */
function parseJsonList(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A finite number >= 0 (e.g. a markup fraction). */
export const nonNegativeNumber: ValueKind = {
  schema: z.number({ error: "expected a number >= 0" }).min(0, { error: "expected a number >= 0" }),
  fromText: (text) => (text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text),
};

/** A finite number >= 0, or null ("not set"). */
export const nullableNonNegativeNumber: ValueKind = {
  schema: nonNegativeNumber.schema.nullable(),
  fromText: (text) => (NULL_WORDS.has(text.trim().toLowerCase()) ? null : nonNegativeNumber.fromText(text)),
};

export const stringListKind: ValueKind = {
  schema: z.array(z.string({ error: "expected text" }), { error: "expected a list of strings" }).nullable(),
  fromText(text) {
    const trimmed = text.trim();
    if (trimmed.startsWith("[")) return parseJsonList(trimmed);
    if (NULL_WORDS.has(trimmed.toLowerCase())) return null;
    return trimmed === "" ? [] : trimmed.split(",").map((key) => key.trim());
  },
};

const costCategorySchema = z
  .object({
    namespace: z.string({ error: "expected a namespace LIKE pattern" }),
    cost_category_id: z.number({ error: "expected an integer id" }).int({ error: "expected an integer id" }),
  })
  .strict();
export const costCategoriesKind: ValueKind = {
  schema: z
    .array(costCategorySchema, { error: "expected a list of {namespace, cost_category_id}" })
    .nullable(),
  fromText: parseJsonList,
};

const nodeRoleSchema = z
  .object({
    node: z.string({ error: "expected a node name" }),
    resource_id: z.string({ error: "expected text or null" }).nullable().default(null),
    node_role: z.string({ error: "expected text or null" }).nullable().default(null),
  })
  .strict();
export const nodeRolesKind: ValueKind = {
  schema: z.array(nodeRoleSchema, { error: "expected a list of {node, resource_id, node_role}" }).nullable(),
  fromText: parseJsonList,
};

/** A comma-separated (or JSON) list of run steps, each named once. */
export const stepsKind: ValueKind = {
  schema: z
    .array(z.enum(RUN_STEPS, { error: `expected steps among ${RUN_STEPS.join(", ")}` }), {
      error: `expected a list of steps among ${RUN_STEPS.join(", ")}`,
    })
    .min(1, { error: "expected at least one step" })
    .refine((steps) => new Set(steps).size === steps.length, { error: "a step is named twice" }),
  fromText(text) {
    const trimmed = text.trim();
    if (trimmed.startsWith("[")) return parseJsonList(trimmed);
    return trimmed === "" ? [] : trimmed.split(",").map((step) => step.trim().toLowerCase());
  },
};

/** The whole AppConfig, checked once more after assembly (catches wiring mistakes, not user input). */
export const appConfigSchema = z.object({
  run: z.object({
    sourceUuid: z.string().optional(),
    year: z.number().int().optional(),
    month: z.number().int().optional(),
    startDate: z.string().optional(),
    endDate: z.string().optional(),
    clusterId: z.string().nullable().optional(),
    clusterAlias: z.string().nullable().optional(),
    reportPeriodId: z.number().int().nullable().optional(),
    orgId: z.string().nullable().optional(),
    kokuSql: z.enum(["trino", "onprem"]),
    steps: z.array(z.enum(RUN_STEPS)),
    summaryParquet: z.string().nullable(),
    allowEmpty: z.boolean(),
  }),
  input: z.string().nullable(),
  s3: z.object({
    endpoint: z.string().optional(),
    region: z.string(),
    accessKeyId: z.string().optional(),
    secretAccessKey: z.string().optional(),
    forcePathStyle: z.boolean(),
    attemptTimeoutMs: z.number().int(),
    deadlineMs: z.number().int(),
  }),
  database: z.object({
    url: z.string().nullable(),
    schema: z.string().nullable(),
    statementTimeoutMs: z.number(),
    swapLockTimeoutMs: z.number(),
    indexBuildMemoryMb: z.number(),
    indexBuildWorkers: z.number(),
  }),
  embedded: z.object({ dataDir: z.string().nullable(), port: z.number().nullable() }),
  performance: z.object({
    mode: z.enum(["streaming", "in-memory"]),
    chunkSize: z.number(),
    columnFiltering: z.boolean(),
    useCategorical: z.boolean(),
    readAheadRowGroups: z.number(),
  }),
  reference: z.object({
    enabledTagKeys: z.array(z.string()).nullable(),
    costCategories: z.array(costCategorySchema).nullable(),
    nodeRoles: z.array(nodeRoleSchema).nullable(),
  }),
  logging: z.object({
    level: z.enum(["trace", "debug", "info", "warn", "error"]),
    format: z.enum(["auto", "json", "pretty"]),
    progress: z.enum(["auto", "on", "off"]),
  }),
  ocpOnAws: z.object({
    awsSourceUuid: z.string().nullable(),
    billId: z.number().int().nullable(),
    markup: z.number().nullable(),
    distribution: z.enum(["cpu", "memory"]).nullable(),
    awsEnabledTagKeys: z.array(z.string()).nullable(),
    sharedOcpSources: z.array(z.string()),
  }),
  queue: z.object({ url: z.string().nullable(), schema: z.string() }),
  job: z.object({
    retryLimit: z.number().int(),
    retryDelaySeconds: z.number().int(),
    timeoutSeconds: z.number().int(),
    heartbeatSeconds: z.number().int(),
  }),
  worker: z.object({
    concurrency: z.number().int(),
    metricsHost: z.string(),
    metricsPort: z.number().int(),
    pollSeconds: z.number().int(),
    maintenanceSeconds: z.number().int(),
    shutdownGraceSeconds: z.number().int(),
  }),
  strict: z.boolean(),
});

// Compile-time guard: the schema and the hand-written interface describe the same thing.
type SchemaOutput = z.output<typeof appConfigSchema>;
const _schemaMatchesInterface: (value: SchemaOutput) => AppConfig = (value) => value;
const _interfaceMatchesSchema: (value: AppConfig) => SchemaOutput = (value) => value;
void _schemaMatchesInterface;
void _interfaceMatchesSchema;
