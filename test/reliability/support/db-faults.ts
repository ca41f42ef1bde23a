/**
 * PostgreSQL faults injected from a second connection: triggers on the summary table that block the
 * COPY on an advisory lock (to act "mid-COPY" deterministically), sleep (statement timeout) or raise an
 * error with a chosen SQLSTATE (disk full), and a look at the job's own backends in pg_stat_activity.
 */
import type pg from "pg";
import { quoteIdent } from "./harness.js";

const TABLE = "reporting_ocpusagelineitem_daily_summary";
const TRIGGER = "reliability_fault";
/** Application name the job's connections carry (src/sink/connection.ts). */
export const JOB_APPLICATION = "ocp-aggregator";

const table = (schema: string) => `${quoteIdent(schema)}.${TABLE}`;
const inSchema = (schema: string, name: string) => `${quoteIdent(schema)}.${name}`;

async function installTrigger(admin: pg.Client, schema: string, body: string): Promise<void> {
  await removeFaultTrigger(admin, schema);
  await admin.query(`CREATE FUNCTION ${inSchema(schema, TRIGGER)}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      ${body}
      RETURN NEW;
    END $fn$`);
  await admin.query(
    `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON ${table(schema)} FOR EACH ROW EXECUTE FUNCTION ${inSchema(schema, TRIGGER)}()`,
  );
}

/** Every inserted row first waits for advisory lock `key`; hold it with holdLock() to freeze a COPY. */
export function blockCopyOnLock(admin: pg.Client, schema: string, key: number): Promise<void> {
  return installTrigger(admin, schema, `PERFORM pg_advisory_xact_lock_shared(${Number(key)});`);
}

/** The first inserted row sleeps, so the COPY statement outlives a short statement_timeout. */
export function slowCopy(admin: pg.Client, schema: string, seconds: number): Promise<void> {
  return installTrigger(admin, schema, `PERFORM pg_sleep(${Number(seconds)});`);
}

/** The third inserted row raises `sqlstate` (e.g. 53100 disk_full) with `message`. */
export async function failCopyWith(
  admin: pg.Client,
  schema: string,
  sqlstate: string,
  message: string,
): Promise<void> {
  if (!/^[0-9A-Z]{5}$/.test(sqlstate)) throw new Error(`not a SQLSTATE: ${sqlstate}`);
  await installTrigger(
    admin,
    schema,
    `IF nextval('${inSchema(schema, `${TRIGGER}_rows`)}') = 3 THEN
        RAISE EXCEPTION USING ERRCODE = '${sqlstate}', MESSAGE = ${quoteLiteral(message)};
      END IF;`,
  );
  await admin.query(`CREATE SEQUENCE ${inSchema(schema, `${TRIGGER}_rows`)}`);
}

export async function removeFaultTrigger(admin: pg.Client, schema: string): Promise<void> {
  await admin.query(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${table(schema)}`);
  await admin.query(`DROP FUNCTION IF EXISTS ${inSchema(schema, TRIGGER)}()`);
  await admin.query(`DROP SEQUENCE IF EXISTS ${inSchema(schema, `${TRIGGER}_rows`)}`);
}

/** Takes advisory lock `key` on the admin session (blocking every blockCopyOnLock trigger) until released. */
export async function holdLock(admin: pg.Client, key: number): Promise<() => Promise<void>> {
  await admin.query("SELECT pg_advisory_lock($1)", [key]);
  return async () => {
    await admin.query("SELECT pg_advisory_unlock($1)", [key]);
  };
}

export interface Backend {
  pid: number;
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  query: string;
}

export async function jobBackends(admin: pg.Client): Promise<Backend[]> {
  const result = await admin.query(
    `SELECT pid, state, wait_event_type, wait_event, query FROM pg_stat_activity
      WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [JOB_APPLICATION],
  );
  return result.rows.map((r) => ({
    pid: r.pid,
    state: r.state,
    waitEventType: r.wait_event_type,
    waitEvent: r.wait_event,
    query: r.query,
  }));
}

/** Polls pg_stat_activity until a job backend satisfies `match` (or the time runs out). */
export async function waitForBackend(
  admin: pg.Client,
  match: (backend: Backend) => boolean,
  // A CLI start on a loaded 2-core machine can take well over 20 s.
  timeoutMs = 60_000,
): Promise<Backend> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await jobBackends(admin)).find(match);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for the job's backend; its backends: ${JSON.stringify(await jobBackends(admin))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A job backend stuck in its COPY on the trigger's advisory lock. */
export const copyWaitingOnLock = (b: Backend) =>
  b.query.trimStart().toUpperCase().startsWith("COPY") && b.waitEventType === "Lock";

/**
 * A job backend whose month swap has built the staging month and is retrying the exchange's lock (between
 * attempts its last statement is the savepoint roll-back of the failed one).
 */
export const swapWaitingForLock = (b: Backend) =>
  /ACCESS EXCLUSIVE MODE NOWAIT|ROLLBACK TO SAVEPOINT ocp_aggregator_swap_lock/.test(b.query);

export async function waitForNoJobBackends(admin: pg.Client, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await jobBackends(admin)).length > 0) {
    if (Date.now() > deadline) throw new Error("the job's connections did not go away");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
