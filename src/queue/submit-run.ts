/**
 * The `submit` command's work: connect to the queue, enqueue the jobs, optionally wait for their end, and
 * describe the outcome for people (text) and scripts (JSON).
 */
import type { Logger } from "pino";
import { openBoss } from "./boss.js";
import type { JobPolicySettings, QueueConnectionSettings } from "./queue-settings.js";
import type { QueuedJobPayload } from "./queued-job.js";
import { type JobStatus, type SubmittedJob, submitSummaryJobs, waitForJobs } from "./submit.js";

export interface SubmitOutcome {
  report: { submitted: SubmittedJob[]; ended: JobStatus[] | null };
  text: string;
  /** Jobs that ended failed or cancelled (only known with wait). */
  failed: number;
}

export async function submitAndReport(options: {
  connection: QueueConnectionSettings;
  policy: JobPolicySettings;
  jobs: QueuedJobPayload[];
  logger: Logger;
  wait: { timeoutMs: number } | null;
}): Promise<SubmitOutcome> {
  const { logger } = options;
  const boss = await openBoss({
    connection: options.connection,
    supervise: false,
    policy: options.policy,
    logger,
    applicationName: "ocp-aggregator-submit",
    poolSize: 2,
  });
  try {
    const submitted = await submitSummaryJobs(boss, options.jobs, options.policy);
    for (const job of submitted) {
      logger.info(
        { jobId: job.id, key: job.key, coalesced: job.id === null },
        job.id ? "job queued" : "job coalesced",
      );
    }
    const lines = submitted.map((job) =>
      job.id ? `queued   ${job.id}  ${job.key}` : `waiting  (an identical job is already queued)  ${job.key}`,
    );
    let ended: JobStatus[] | null = null;
    let failed = 0;
    if (options.wait) {
      const ids = submitted.flatMap((job) => (job.id ? [job.id] : []));
      ended = await waitForJobs(boss, ids, { timeoutMs: options.wait.timeoutMs, pollMs: 1000 });
      for (const status of ended) {
        if (status.state !== "completed") failed++;
        lines.push(`${status.state.padEnd(9)}${status.id}  ${status.runKey ?? ""}${describeOutput(status)}`);
      }
    }
    return { report: { submitted, ended }, text: `${lines.join("\n")}\n`, failed };
  } finally {
    await boss.stop({ graceful: false }).catch(() => {});
  }
}

function describeOutput(status: JobStatus): string {
  const output = status.output as { message?: unknown; outputRows?: unknown; value?: unknown } | null;
  if (!output) return "";
  if (status.state === "completed" && output.outputRows !== undefined) return `  rows ${output.outputRows}`;
  const message = output.message ?? output.value;
  return message === undefined ? "" : `  error: ${String(message)}`;
}
