/**
 * What a queued OCP-on-AWS job carries: one AWS source, one OpenShift source (cluster) and a day range of a
 * month, as Koku's `update_openshift_on_cloud` task does (the 5-day chunks run inside the job). Never secrets.
 */
import { z } from "zod";
import type { ConfigOverrides } from "../config/index.js";
import { SOURCE_UUID_PATTERN } from "../config/run-params.js";
import { checkDaysInMonth, dateText, sourceMonthKey } from "./job-payload.js";

export const OCP_ON_AWS_KIND = "ocp-on-aws";

const uuid = (what: string) =>
  z.string().regex(SOURCE_UUID_PATTERN, { error: `expected the ${what} (a uuid)` });

export const ocpOnAwsJobPayloadSchema = z
  .object({
    kind: z.literal(OCP_ON_AWS_KIND),
    /** The AWS source (`ocp-on-aws --source-uuid`). */
    awsSourceUuid: uuid("AWS source uuid"),
    /** The OpenShift source (`--ocp-source-uuid`). */
    ocpSourceUuid: uuid("OpenShift source uuid"),
    year: z.number().int().min(1970).max(9999),
    month: z.number().int().min(1).max(12),
    startDate: dateText.optional(),
    endDate: dateText.optional(),
    clusterId: z.string().min(1),
    clusterAlias: z.string().min(1).optional(),
    billId: z.number().int().min(0),
    reportPeriodId: z.number().int().min(0),
    markup: z.number().min(0).optional(),
    distribution: z.enum(["cpu", "memory"]).optional(),
    awsEnabledTagKeys: z.array(z.string().min(1)).optional(),
    /** `UUID=CLUSTER_ID[:ALIAS]` of the other clusters on the same AWS account (--shared-ocp-source). */
    sharedOcpSources: z
      .array(z.string().regex(/^[^=]+=[^:]+(:.*)?$/, { error: "expected UUID=CLUSTER_ID[:ALIAS]" }))
      .optional(),
    input: z.string().min(1).optional(),
    orgId: z.string().min(1).optional(),
    schema: z.string().min(1).optional(),
    kokuSql: z.enum(["trino", "onprem"]).optional(),
    /** Let a job that finds no CUR or OCP input replace the range with nothing (run.allow_empty). */
    allowEmpty: z.boolean().optional(),
  })
  .strict()
  .superRefine(checkDaysInMonth);

export type OcpOnAwsJobPayload = z.infer<typeof ocpOnAwsJobPayloadSchema>;

/** What the job rewrites, as shown in reports and logs: AWS source, OpenShift source and month. */
export function ocpOnAwsRunKey(job: OcpOnAwsJobPayload): string {
  return `${OCP_ON_AWS_KIND}/${job.awsSourceUuid}/${sourceMonthKey(job.ocpSourceUuid, job.year, job.month)}`;
}

/**
 * The run lock of an OCP-on-AWS job is its OpenShift source/month, the same key as that cluster's `aggregate`
 * jobs: the back-populate writes into the cluster's summary rows, which an aggregate run replaces, so the two
 * never run at once and the one submitted later writes later (Koku chains the OCP summary before OCP-on-cloud).
 */
export function ocpOnAwsLockKey(job: OcpOnAwsJobPayload): string {
  return sourceMonthKey(job.ocpSourceUuid, job.year, job.month);
}

/** Koku's unit of work: AWS source, cluster and day range. A waiting identical job absorbs a resubmit. */
export function ocpOnAwsDedupeKey(job: OcpOnAwsJobPayload): string {
  return `${ocpOnAwsRunKey(job)}/${job.startDate ?? "first"}..${job.endDate ?? "last"}`;
}

/** The job as config overrides: the OCP side is `run.*`, the AWS side `ocp_on_aws.*` (as the command maps them). */
export function ocpOnAwsPayloadOverrides(job: OcpOnAwsJobPayload): ConfigOverrides {
  return {
    input: job.input,
    run: {
      sourceUuid: job.ocpSourceUuid,
      year: String(job.year),
      month: String(job.month),
      startDate: job.startDate,
      endDate: job.endDate,
      orgId: job.orgId,
      clusterId: job.clusterId,
      clusterAlias: job.clusterAlias,
      reportPeriodId: String(job.reportPeriodId),
      kokuSql: job.kokuSql,
      allowEmpty: job.allowEmpty,
    },
    ocpOnAws: {
      awsSourceUuid: job.awsSourceUuid,
      billId: String(job.billId),
      // absent: explicitly unset (null), so Koku's cost model (else 0 / cpu) decides, not the worker's own settings
      markup: job.markup === undefined ? null : String(job.markup),
      distribution: job.distribution ?? null,
      awsEnabledTagKeys: job.awsEnabledTagKeys,
      sharedOcpSources: job.sharedOcpSources,
    },
    database: { schema: job.schema },
  };
}
