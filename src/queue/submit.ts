/**
 * Enqueueing jobs (summary and OCP on AWS), and waiting for them to end (for one-shot Jobs and scripts that need the result).
 */
import type { PgBoss } from "pg-boss";
import { type JobPolicySettings, SUMMARY_QUEUE } from "./queue-settings.js";
import { type QueuedJobPayload, queuedDedupeKey, queuedRunKey } from "./queued-job.js";

export interface SubmittedJob {
  key: string;
  /** The new job's id; null when an identical job was still waiting and this submit was coalesced into it. */
  id: string | null;
  payload: QueuedJobPayload;
}

export async function submitSummaryJobs(
  boss: PgBoss,
  jobs: readonly QueuedJobPayload[],
  policy: JobPolicySettings,
): Promise<SubmittedJob[]> {
  const submitted: SubmittedJob[] = [];
  for (const payload of jobs) {
    const key = queuedDedupeKey(payload);
    const id = await boss.send(SUMMARY_QUEUE, payload, {
      singletonKey: key,
      retryLimit: policy.retryLimit,
      retryDelay: policy.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: policy.timeoutSeconds,
      // the running worker refreshes it every half interval; the supervisor fails a job whose heartbeat
      // stopped (worker killed), so it is retried elsewhere well before its timeout
      heartbeatSeconds: policy.heartbeatSeconds,
    });
    submitted.push({ key, id, payload });
  }
  return submitted;
}

export type JobState = "created" | "retry" | "active" | "completed" | "cancelled" | "failed";
const FINAL_STATES: ReadonlySet<JobState> = new Set(["completed", "cancelled", "failed"]);

export interface JobStatus {
  id: string;
  state: JobState | "unknown";
  /** Attempts so far after the first. */
  retryCount: number;
  runKey: string | null;
  /** The run report summary of a completed job, or the kept error of a failed one. */
  output: unknown;
}

export async function jobStatus(boss: PgBoss, id: string): Promise<JobStatus> {
  const [job] = await boss.findJobs<QueuedJobPayload>(SUMMARY_QUEUE, { id });
  if (!job) return { id, state: "unknown", retryCount: 0, runKey: null, output: null };
  return {
    id,
    state: job.state,
    retryCount: job.retryCount,
    runKey: queuedRunKey(job.data),
    output: job.output ?? null,
  };
}

/** Polls until every job is completed, failed or cancelled, or the timeout passes (then throws). */
export async function waitForJobs(
  boss: PgBoss,
  ids: readonly string[],
  options: { timeoutMs: number; pollMs?: number; onPoll?: (statuses: JobStatus[]) => void },
): Promise<JobStatus[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const statuses = await Promise.all(ids.map((id) => jobStatus(boss, id)));
    options.onPoll?.(statuses);
    if (statuses.every((s) => s.state !== "unknown" && FINAL_STATES.has(s.state))) return statuses;
    if (Date.now() > deadline) {
      const open = statuses.filter((s) => s.state === "unknown" || !FINAL_STATES.has(s.state));
      throw new Error(
        `${open.length} of ${ids.length} jobs still open after ${Math.round(options.timeoutMs / 1000)} s: ` +
          open
            .slice(0, 5)
            .map((s) => `${s.id} (${s.state})`)
            .join(", "),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}
