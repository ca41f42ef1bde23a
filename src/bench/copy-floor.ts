/**
 * The write's floor: the output rows a run just committed, loaded again by a plain `COPY` into the same table
 * state (DELETE of the source's rows of the run's dates, then COPY into the parent table, in one transaction,
 * the way a script with psql's \copy would re-run a month). Our write time is reported against it.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import type { RunParams } from "../model.js";
import { connect } from "../sink/connection.js";
import { qualifiedName } from "../sink/sql.js";
import { SUMMARY_TABLE } from "../sink/summary-ddl.js";
import { clusterCpuSeconds, settleServer } from "./server-cpu.js";

export interface CopyFloor {
  rows: number;
  wallSeconds: number;
  /** PostgreSQL's CPU seconds for the DELETE + COPY + COMMIT (null for a database given by URL). */
  serverCpuSeconds: number | null;
}

export async function measureCopyFloor(
  url: string,
  schema: string,
  run: Pick<RunParams, "sourceUuid" | "startDate" | "endDate">,
  postmasterPid: number | null,
): Promise<CopyFloor> {
  const client = await connect(url, { applicationName: "ocp-aggregator-bench-floor" });
  const dir = mkdtempSync(join(tmpdir(), "ocp-bench-floor-"));
  const file = join(dir, "rows.copy");
  const table = qualifiedName(schema, SUMMARY_TABLE);
  const where = "source_uuid = $1::uuid AND usage_start BETWEEN $2::date AND $3::date";
  const params = [run.sourceUuid, run.startDate, run.endDate];
  try {
    // Every column, uuid included, as COPY's text: exactly the rows the run stored. The literals are our own
    // validated values (COPY TO cannot take parameters).
    const literal = (v: string) => `'${v.replaceAll("'", "''")}'`;
    await pipeline(
      client.query(
        copyTo(
          `COPY (SELECT * FROM ${table} WHERE source_uuid = ${literal(run.sourceUuid)}::uuid
                  AND usage_start BETWEEN ${literal(run.startDate)}::date AND ${literal(run.endDate)}::date)
             TO STDOUT`,
        ),
      ),
      createWriteStream(file),
    );
    await client.query("CHECKPOINT").catch(() => {}); // superuser only; keeps the previous run's dirty pages out
    await settleServer();
    const cpuBefore = clusterCpuSeconds(postmasterPid);
    const started = performance.now();
    await client.query("BEGIN");
    await client.query(`DELETE FROM ${table} WHERE ${where}`, params);
    const copy = client.query(copyFrom(`COPY ${table} FROM STDIN`));
    await pipeline(createReadStream(file), copy);
    await client.query("COMMIT");
    const wallSeconds = (performance.now() - started) / 1000;
    await settleServer();
    const cpuAfter = clusterCpuSeconds(postmasterPid);
    return {
      rows: copy.rowCount,
      wallSeconds,
      serverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
