/**
 * The queue carries two kinds of job: the OCP summary (`aggregate`, no `kind` field, as before) and
 * OCP on AWS (`kind: "ocp-on-aws"`). One queue, so one worker concurrency, one depth and one lock table
 * cover both; these dispatch validation, keys and config overrides on the kind.
 */
import type { ConfigOverrides } from "../config/index.js";
import {
  dedupeKey,
  InvalidJobPayloadError,
  parseSummaryJobPayload,
  payloadOverrides,
  runKey,
  type SummaryJobPayload,
} from "./job-payload.js";
import {
  OCP_ON_AWS_KIND,
  type OcpOnAwsJobPayload,
  ocpOnAwsDedupeKey,
  ocpOnAwsJobPayloadSchema,
  ocpOnAwsLockKey,
  ocpOnAwsPayloadOverrides,
  ocpOnAwsRunKey,
} from "./ocp-on-aws-payload.js";

export type QueuedJobPayload = SummaryJobPayload | OcpOnAwsJobPayload;

export function isOcpOnAwsJob(job: QueuedJobPayload): job is OcpOnAwsJobPayload {
  return (job as { kind?: unknown }).kind === OCP_ON_AWS_KIND;
}

/** Validates a payload of either kind, naming each bad field; an unknown `kind` is named too. */
export function parseQueuedJobPayload(value: unknown): QueuedJobPayload {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === undefined) return parseSummaryJobPayload(value);
  if (kind !== OCP_ON_AWS_KIND) {
    throw new InvalidJobPayloadError(
      `invalid job: kind: expected "${OCP_ON_AWS_KIND}" or none (a summary job), got ${JSON.stringify(kind)}`,
    );
  }
  const parsed = ocpOnAwsJobPayloadSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "job"}: ${issue.message}`);
  throw new InvalidJobPayloadError(`invalid ocp-on-aws job: ${problems.join("; ")}`);
}

/** What the job rewrites, as reports show it. */
export function queuedRunKey(job: QueuedJobPayload): string {
  return isOcpOnAwsJob(job) ? ocpOnAwsRunKey(job) : runKey(job);
}

/** Jobs with the same lock key never run at once (job-lock.ts): for both kinds, the OpenShift source/month. */
export function queuedLockKey(job: QueuedJobPayload): string {
  return isOcpOnAwsJob(job) ? ocpOnAwsLockKey(job) : runKey(job);
}

/** The de-duplication key of a waiting job. */
export function queuedDedupeKey(job: QueuedJobPayload): string {
  return isOcpOnAwsJob(job) ? ocpOnAwsDedupeKey(job) : dedupeKey(job);
}

export function queuedOverrides(job: QueuedJobPayload): ConfigOverrides {
  return isOcpOnAwsJob(job) ? ocpOnAwsPayloadOverrides(job) : payloadOverrides(job);
}
