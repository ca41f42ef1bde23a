/**
 * The OCP-on-AWS part of `bench.json` (`ocpOnAws`, present when the bench ran `--ocp-on-aws`): one
 * `ocp-aggregator ocp-on-aws` child per run on a `generate-ocp-on-aws --scale` dataset, writing to the bench's
 * PostgreSQL, and the median per scale. Fields are only ever added (see schema.ts).
 */
import { z } from "zod";

/** Seconds per phase of an `ocp-on-aws` run (its report's `seconds`). */
const ocpOnAwsPhases = z.object({
  /** The cluster's OCP summary rows computed from its OCP Parquet (read and aggregate). */
  ocp: z.number(),
  /** Reading the AWS CUR Parquet (hourly and daily). */
  read: z.number(),
  /** Koku's four OCP-on-AWS statements per 5-day chunk, in memory. */
  engine: z.number(),
  /** The transaction: project table rows and the back-populate. */
  write: z.number(),
  total: z.number(),
});

export const ocpOnAwsRunSchema = z.object({
  /** `ocp-on-aws-<scale>`, the dataset folder in the bench cache. */
  dataset: z.string(),
  scale: z.string(),
  repetition: z.number().int().min(1),
  startedAt: z.string(),
  loadAverage: z.tuple([z.number(), z.number(), z.number()]),
  ok: z.boolean(),
  error: z.string().nullable(),
  wallSeconds: z.number(),
  /** CPU seconds of the child (user + system, all threads), from its getrusage at exit. */
  cpuSeconds: z.number().nullable(),
  /** CPU seconds of the embedded PostgreSQL during the run; null for a database given by URL. */
  serverCpuSeconds: z.number().nullable(),
  /** The cluster's OCP input rows (hourly rows of the four report types) and the CUR rows read (hourly + daily). */
  ocpInputRows: z.number().int(),
  curRows: z.number().int(),
  /** ocpInputRows + curRows: what the run reads. */
  inputRows: z.number().int(),
  ocpSummaryRows: z.number().int(),
  projectRows: z.number().int(),
  backPopulatedRows: z.number().int(),
  /** inputRows / wallSeconds. */
  rowsPerSecond: z.number(),
  peakRssMb: z.number(),
  phases: ocpOnAwsPhases.nullable(),
});

export const ocpOnAwsSummarySchema = z.object({
  dataset: z.string(),
  scale: z.string(),
  runs: z.number().int(),
  inputRows: z.number().int(),
  curRows: z.number().int(),
  projectRows: z.number().int(),
  medianWallSeconds: z.number(),
  medianCpuSeconds: z.number().nullable(),
  medianServerCpuSeconds: z.number().nullable(),
  /** inputRows / medianWallSeconds. */
  rowsPerSecond: z.number(),
  /** The highest peak RSS over the repetitions. */
  peakRssMb: z.number(),
  medianPhases: ocpOnAwsPhases.nullable(),
  medianLoadAverage: z.number(),
});

export const ocpOnAwsSectionSchema = z.object({
  scales: z.array(z.string()),
  runs: z.array(ocpOnAwsRunSchema),
  summary: z.array(ocpOnAwsSummarySchema),
});

export type OcpOnAwsPhases = z.infer<typeof ocpOnAwsPhases>;
export type OcpOnAwsBenchRun = z.infer<typeof ocpOnAwsRunSchema>;
export type OcpOnAwsBenchSummary = z.infer<typeof ocpOnAwsSummarySchema>;
export type OcpOnAwsBenchSection = z.infer<typeof ocpOnAwsSectionSchema>;
