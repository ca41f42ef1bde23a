/**
 * One job per source/month at a time, across all workers: a session-level advisory lock held on a
 * connection of its own for the whole run. A later job for the same source/month waits for it, so the last
 * job submitted writes last. A crashed worker's session ends with its process, and with it the lock.
 */
import { connect } from "../sink/connection.js";

/** Distinct from the writer's transaction lock keys, so a job never waits on its own write. */
const LOCK_PREFIX = "ocp-aggregator/queue-run/";

export async function withRunLock<T>(
  databaseUrl: string,
  key: string,
  onWait: () => void,
  body: () => Promise<T>,
): Promise<T> {
  const client = await connect(databaseUrl, { applicationName: "ocp-aggregator-run-lock" });
  try {
    const lockKey = LOCK_PREFIX + key;
    const tried = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked",
      [lockKey],
    );
    if (!tried.rows[0].locked) {
      onWait();
      await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey]);
    }
    return await body();
  } finally {
    // Ending the session releases the lock; no unlock call to forget.
    await client.end().catch(() => {});
  }
}
