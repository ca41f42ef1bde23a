/**
 * One job per source/month at a time, across all workers: a session-level advisory lock held on a
 * connection of its own for the whole run. A later job for the same source/month waits for it, so the last
 * job submitted writes last. A crashed worker's session ends with its process, and with it the lock.
 */
import { connect } from "../sink/connection.js";

/** Distinct from the writer's transaction lock keys, so a job never waits on its own write. */
const LOCK_PREFIX = "ocp-aggregator/queue-run/";

/**
 * Runs `body` holding the lock of `key`. `signal` is the queue's word that this attempt is over (its timeout
 * passed, or the worker's shutdown grace ran out; pg-boss has already failed it into retry): an attempt still
 * waiting for the lock then gives up at once instead of holding its worker until the earlier job ends.
 * A body already running is not interrupted: its write is one transaction and the retry waits for it.
 */
export async function withRunLock<T>(
  databaseUrl: string,
  key: string,
  onWait: () => void,
  body: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const client = await connect(databaseUrl, { applicationName: "ocp-aggregator-run-lock" });
  const giveUp = () => {
    client.end().catch(() => {});
  };
  const abandoned = () =>
    new Error(
      `stopped waiting for the earlier job of ${key}: the queue ended this attempt (timeout or shutdown)`,
    );
  try {
    const lockKey = LOCK_PREFIX + key;
    const tried = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked",
      [lockKey],
    );
    if (!tried.rows[0].locked) {
      onWait();
      if (signal?.aborted) throw abandoned();
      signal?.addEventListener("abort", giveUp, { once: true });
      try {
        await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey]);
      } catch (error) {
        throw signal?.aborted ? abandoned() : error;
      } finally {
        signal?.removeEventListener("abort", giveUp);
      }
    }
    // an abort between taking the lock and here ended the session, and with it the lock
    if (signal?.aborted) throw abandoned();
    return await body();
  } finally {
    // Ending the session releases the lock; no unlock call to forget.
    await client.end().catch(() => {});
  }
}
