/**
 * Table locks for the month swap that never leave readers queued behind us for long, yet are not starved by
 * autovacuum.
 *
 * `LOCK ... NOWAIT`, retried every few milliseconds for at most a timeout, each attempt in a savepoint: never
 * waiting in the lock queue means no reader queues behind us and no deadlock cycle can include us.
 *
 * Autovacuum is the exception. It holds SHARE UPDATE EXCLUSIVE on the table it works on, and right after a swap
 * that is the month partition we just attached (its rows were never analysed). PostgreSQL makes an autovacuum
 * worker yield only to a lock request that *waits* past `deadlock_timeout`; a NOWAIT request just fails, every
 * time, until autovacuum is done, and the run fell back to the slow in-place write (seen at 5m: 28.8 s instead of
 * ~18 s). So when every conflicting holder is an autovacuum worker, the next attempt first waits for those
 * relations, bounded by `deadlock_timeout` + a margin: PostgreSQL then cancels the autovacuum (it comes back on
 * a later round) and the lock is granted. The wait is on the vacuumed relation alone and inside the attempt's
 * savepoint, so a failed attempt releases it; as superuser the wait is shortened by a transaction-local
 * `deadlock_timeout`. An anti-wraparound autovacuum does not yield: the attempt times out like any other.
 */
import type pg from "pg";
import { sqlState } from "./sql.js";

export type LockMode = "SHARE" | "ACCESS EXCLUSIVE";
export type LockOutcome = "locked" | "timed-out";

const LOCK_RETRY_MS = 20;
/** Our deadlock_timeout while waiting out autovacuum, when we may set it (superuser). */
const SHORT_DEADLOCK_TIMEOUT_MS = 100;
/** Time past deadlock_timeout for the cancelled autovacuum to abort and release its lock. */
const AUTOVACUUM_EXIT_MARGIN_MS = 1000;

/** Lock modes held by others that conflict with the requested one (PostgreSQL's conflict table). */
const CONFLICTING: Record<LockMode, string[]> = {
  SHARE: [
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
  ],
  "ACCESS EXCLUSIVE": [
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
  ],
};

/**
 * Locks `table` (and, as LOCK does, its partitions) in `mode` within about `timeoutMs`: NOWAIT attempts, plus
 * bounded waits for relations held only by autovacuum (see the module comment).
 */
export async function lockWithin(
  client: pg.ClientBase,
  table: string,
  mode: LockMode,
  timeoutMs: number,
): Promise<LockOutcome> {
  const deadline = performance.now() + timeoutMs;
  let vacuumed: string[] = [];
  for (;;) {
    if (await attempt(client, table, mode, vacuumed)) return "locked";
    vacuumed = await heldOnlyByAutovacuum(client, table, mode);
    if (performance.now() >= deadline) return "timed-out";
    // Held by autovacuum alone: the next attempt waits it out at once.
    if (vacuumed.length === 0) await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

/**
 * One attempt in a savepoint: the relations autovacuum holds are waited for (bounded), then the table is locked
 * NOWAIT. A failure rolls back to the savepoint, which releases whatever the attempt had locked.
 */
async function attempt(
  client: pg.ClientBase,
  table: string,
  mode: LockMode,
  vacuumed: string[],
): Promise<boolean> {
  await client.query("SAVEPOINT ocp_aggregator_lock");
  try {
    if (vacuumed.length > 0) {
      const previous = await client.query<{ lock: string; deadlock: string }>(
        "SELECT current_setting('lock_timeout') AS lock, current_setting('deadlock_timeout') AS deadlock",
      );
      const deadlock = previous.rows[0]?.deadlock ?? "1s";
      const deadlockMs = await shortenDeadlockTimeout(client, deadlock);
      await client.query("SELECT set_config('lock_timeout', $1, true)", [
        `${deadlockMs.ms + AUTOVACUUM_EXIT_MARGIN_MS}ms`,
      ]);
      for (const relation of vacuumed) await client.query(`LOCK TABLE ${relation} IN ${mode} MODE`);
      // The settings go back to what they were for the rest of the transaction.
      await client.query("SELECT set_config('lock_timeout', $1, true)", [previous.rows[0]?.lock ?? "0"]);
      if (deadlockMs.shortened)
        await client.query("SELECT set_config('deadlock_timeout', $1, true)", [deadlock]);
    }
    await client.query(`LOCK TABLE ${table} IN ${mode} MODE NOWAIT`);
    await client.query("RELEASE SAVEPOINT ocp_aggregator_lock");
    return true;
  } catch (error) {
    // 55P03: lock not available (NOWAIT) or lock_timeout; 40P01: chosen as a deadlock victim while waiting.
    const state = sqlState(error);
    if (state !== "55P03" && state !== "40P01") throw error;
    await client.query("ROLLBACK TO SAVEPOINT ocp_aggregator_lock");
    await client.query("RELEASE SAVEPOINT ocp_aggregator_lock");
    return false;
  }
}

/**
 * A superuser's wait for autovacuum is shortened (deadlock_timeout is SUSET). Returns the deadlock_timeout in
 * force, in milliseconds, and whether it was shortened.
 */
async function shortenDeadlockTimeout(
  client: pg.ClientBase,
  current: string,
): Promise<{ ms: number; shortened: boolean }> {
  const currentMs = await client.query<{ ms: string }>(
    "SELECT (extract(epoch FROM $1::interval) * 1000)::bigint AS ms",
    [current],
  );
  const ms = Number(currentMs.rows[0]?.ms ?? 1000);
  const superuser = await client.query<{ on: boolean }>(
    "SELECT current_setting('is_superuser') = 'on' AS on",
  );
  if (!superuser.rows[0]?.on || ms <= SHORT_DEADLOCK_TIMEOUT_MS) return { ms, shortened: false };
  await client.query("SELECT set_config('deadlock_timeout', $1, true)", [`${SHORT_DEADLOCK_TIMEOUT_MS}ms`]);
  return { ms: SHORT_DEADLOCK_TIMEOUT_MS, shortened: true };
}

/**
 * The relations of `table`'s partition tree on which other sessions hold locks conflicting with `mode`, when
 * every such holder is an autovacuum worker; empty when there is none, or when any holder is not autovacuum
 * (a reader or writer we must not queue behind).
 */
export async function heldOnlyByAutovacuum(
  client: pg.ClientBase,
  table: string,
  mode: LockMode,
): Promise<string[]> {
  const holders = await client.query<{ relation: string; autovacuum: boolean }>(
    `SELECT DISTINCT l.relation::regclass::text AS relation,
            coalesce(a.backend_type = 'autovacuum worker', false) AS autovacuum
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.relation IN (SELECT relid FROM pg_partition_tree(to_regclass($1)))
        AND l.mode = ANY($2::text[])`,
    [table, CONFLICTING[mode]],
  );
  if (holders.rows.some((h) => !h.autovacuum)) return [];
  return [...new Set(holders.rows.map((h) => h.relation))];
}
