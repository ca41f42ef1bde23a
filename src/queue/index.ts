/** Public face of the scale-out area: job payloads, queue settings, submitting, and the worker. */
export { openBoss } from "./boss.js";
export {
  dedupeKey,
  mergeOverrides,
  parseSummaryJobPayload,
  payloadOverrides,
  runKey,
  type SummaryJobPayload,
} from "./job-payload.js";
export { readJobsFile } from "./jobs-file.js";
export {
  OCP_ON_AWS_KIND,
  type OcpOnAwsJobPayload,
  ocpOnAwsDedupeKey,
  ocpOnAwsLockKey,
  ocpOnAwsPayloadOverrides,
  ocpOnAwsRunKey,
} from "./ocp-on-aws-payload.js";
export {
  type JobPolicySettings,
  type QueueConnectionSettings,
  resolveQueueConnection,
  SUMMARY_QUEUE,
  type WorkerSettings,
} from "./queue-settings.js";
export {
  isOcpOnAwsJob,
  parseQueuedJobPayload,
  type QueuedJobPayload,
  queuedDedupeKey,
  queuedLockKey,
  queuedOverrides,
  queuedRunKey,
} from "./queued-job.js";
export { runUntilSignal } from "./run-until-signal.js";
export {
  type JobState,
  type JobStatus,
  jobStatus,
  type SubmittedJob,
  submitSummaryJobs,
  waitForJobs,
} from "./submit.js";
export { type SubmitOutcome, submitAndReport } from "./submit-run.js";
export { type SummaryWorker, type SummaryWorkerOptions, startSummaryWorker } from "./worker.js";
