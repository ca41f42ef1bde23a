/**
 * What a queued summary job carries: the run's identity (source, month, optional day range) and where its
 * Parquet lives. Never secrets: database and S3 credentials come from the worker's own config and env.
 */
import { z } from "zod";
import type { ConfigOverrides } from "../config/index.js";
import { SOURCE_UUID_PATTERN } from "../config/run-params.js";

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export const dateText = z
  .string()
  .regex(DATE_TEXT, { error: "expected a date YYYY-MM-DD" })
  .refine(isCalendarDate, { error: "expected a date YYYY-MM-DD" });

export const summaryJobPayloadSchema = z
  .object({
    sourceUuid: z.string().regex(SOURCE_UUID_PATTERN, { error: "expected the source uuid (a uuid)" }),
    year: z.number().int().min(1970).max(9999),
    month: z.number().int().min(1).max(12),
    startDate: dateText.optional(),
    endDate: dateText.optional(),
    /** Input root (directory or s3://bucket/prefix); absent: the worker's configured input. */
    input: z.string().min(1).optional(),
    orgId: z.string().min(1).optional(),
    /** Output schema; absent: the worker's configured schema, else the org id, else public. */
    schema: z.string().min(1).optional(),
    clusterId: z.string().min(1).optional(),
    clusterAlias: z.string().min(1).optional(),
    reportPeriodId: z.number().int().min(0).optional(),
    kokuSql: z.enum(["trino", "onprem"]).optional(),
    /** Let a job that finds no input replace the range with nothing (run.allow_empty). */
    allowEmpty: z.boolean().optional(),
  })
  .strict()
  .superRefine(checkDaysInMonth);

/** A job's optional day range lies in its month and is not reversed. */
export function checkDaysInMonth(
  job: { year: number; month: number; startDate?: string; endDate?: string },
  ctx: z.RefinementCtx,
): void {
  const month = `${job.year}-${String(job.month).padStart(2, "0")}`;
  for (const field of ["startDate", "endDate"] as const) {
    const value = job[field];
    if (value !== undefined && !value.startsWith(month)) {
      ctx.addIssue({ code: "custom", path: [field], message: `must lie in ${month}` });
    }
  }
  if (job.startDate && job.endDate && job.startDate > job.endDate) {
    ctx.addIssue({ code: "custom", path: ["endDate"], message: "must not be before startDate" });
  }
}

export type SummaryJobPayload = z.infer<typeof summaryJobPayloadSchema>;

/** A job whose payload is not a job: no retry can fix it, so the worker fails it for good. */
export class InvalidJobPayloadError extends Error {
  override name = "InvalidJobPayloadError";
}

/** Validates a payload (from the command line, a jobs file or the queue), naming each bad field. */
export function parseSummaryJobPayload(value: unknown): SummaryJobPayload {
  const parsed = summaryJobPayloadSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "job"}: ${issue.message}`);
  throw new InvalidJobPayloadError(`invalid summary job: ${problems.join("; ")}`);
}

/**
 * The source/month a job rewrites. Jobs with the same run key never run at the same time (see job-lock.ts):
 * the later one waits, so the last job submitted also writes last.
 */
export function runKey(job: SummaryJobPayload): string {
  return sourceMonthKey(job.sourceUuid, job.year, job.month);
}

/** `<source uuid>/<yyyy-mm>`: the lock key of every job kind that rewrites that source's month. */
export function sourceMonthKey(sourceUuid: string, year: number, month: number): string {
  return `${sourceUuid}/${year}-${String(month).padStart(2, "0")}`;
}

/**
 * The queue's de-duplication key: run key plus day range. While a job with this key is still waiting, a
 * second submit is coalesced into it (the waiting job lists the files when it starts, so it sees the newer
 * upload too). A different day range of the same month is a separate job.
 */
export function dedupeKey(job: SummaryJobPayload): string {
  return `${runKey(job)}/${job.startDate ?? "first"}..${job.endDate ?? "last"}`;
}

/** The job as config overrides: the worker's own file/env/options below, the job's fields on top. */
export function payloadOverrides(job: SummaryJobPayload): ConfigOverrides {
  return {
    input: job.input,
    run: {
      sourceUuid: job.sourceUuid,
      year: String(job.year),
      month: String(job.month),
      startDate: job.startDate,
      endDate: job.endDate,
      orgId: job.orgId,
      clusterId: job.clusterId,
      clusterAlias: job.clusterAlias,
      reportPeriodId: job.reportPeriodId === undefined ? undefined : String(job.reportPeriodId),
      kokuSql: job.kokuSql,
      allowEmpty: job.allowEmpty,
    },
    database: { schema: job.schema },
  };
}

/** Deep merge of plain override objects; defined leaves of `top` win. */
export function mergeOverrides(base: ConfigOverrides, top: ConfigOverrides): ConfigOverrides {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === undefined) return a;
    if (!isPlainObject(a) || !isPlainObject(b)) return b;
    const out: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = merge(a[key], value);
    return out;
  };
  return merge(base, top) as ConfigOverrides;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
