/**
 * Keys of the job queue (`submit` and `worker`): where the queue lives, what each job carries, and how a
 * worker process polls, reports and shuts down.
 */
import { identifierKind, integerBetween, listenPort, optionalTextKind, textKind } from "../schema.js";
import type { KeySpec } from "./key-spec.js";

export const QUEUE_KEYS: readonly KeySpec[] = [
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
