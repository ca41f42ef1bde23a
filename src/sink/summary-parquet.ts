/**
 * The Parquet copy of the run's daily summary rows, as Koku's Trino statement writes them into
 * `hive.<schema>.reporting_ocpusagelineitem_daily_summary` (trino_sql/openshift/
 * reporting_ocpusagelineitem_daily_summary.sql:6-48): Hive partitions `source=<uuid>/year=<yyyy>/month=<m>/day=<d>`
 * (month and day without leading zero: `cast(month(usage_start) as varchar)`), the table's column types
 * (summary-parquet-columns.ts), partition columns not stored in the files.
 *
 * The location is the table's: a local directory or `s3://bucket/prefix`. Files are staged on local disk while
 * the COPY streams the rows (a day's rows at a time, so nothing is held beyond the day); `publish` then
 * replaces every day partition of the range (as Koku deletes them before inserting). The run calls `check`
 * before it touches PostgreSQL and `publish` after its COMMIT (see docs/spec-notes.md P1 for why).
 */
import { randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import type { SummaryRow } from "../model.js";
import type { S3ConnectionOptions } from "../source/s3-client.js";
import { writeSummaryParquetFile } from "./summary-parquet-file.js";
import { S3TableLocation, type StagedFile } from "./summary-parquet-s3.js";

export { SUMMARY_PARQUET_COLUMNS } from "./summary-parquet-columns.js";

const MS_PER_DAY = 86_400_000;

export interface SummaryParquetTarget {
  /** The Hive table's location: a local directory or `s3://bucket/prefix`. */
  location: string;
  sourceUuid: string;
  startDate: string;
  endDate: string;
  /** The run's S3 connection settings (`s3.*`), used for an `s3://` location. */
  s3?: S3ConnectionOptions;
}

/** A run that noted it would change PostgreSQL ahead of the copy (see notePending). */
export interface PendingRun {
  startDate: string;
  endDate: string;
  startedAt: string;
}

export interface SummaryParquetResult {
  days: number;
  files: number;
  rows: number;
}

/** `source=<uuid>/year=<yyyy>/month=<m>/day=<d>` of a `YYYY-MM-DD` day. */
export function dayPartition(sourceUuid: string, day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return `source=${sourceUuid}/year=${y}/month=${m}/day=${d}`;
}

export class SummaryParquetCopy {
  private readonly s3: S3TableLocation | null;
  private readonly staging: string;
  private readonly files: StagedFile[] = [];
  private finished = false;
  private noted: PendingRun | null = null;
  rows = 0;

  constructor(readonly target: SummaryParquetTarget) {
    if (target.location.startsWith("s3://")) {
      this.s3 = new S3TableLocation(target.location, target.s3 ?? {});
      this.staging = mkdtempSync(join(tmpdir(), "ocp-aggregator-summary-parquet-"));
    } else {
      this.s3 = null;
      // Inside the table's folder, so that publishing is a rename on the same file system; Hive skips dot folders.
      this.staging = join(target.location, `.ocp-aggregator-staging-${randomUUID()}`);
    }
  }

  describe(): string {
    return this.s3 ? this.s3.describe() : this.target.location;
  }

  /** Fails before the run changes anything when the location cannot be written (bucket, permissions, folder). */
  async check(): Promise<void> {
    if (this.s3) {
      await this.s3.checkWritable();
      return;
    }
    try {
      mkdirSync(this.staging, { recursive: true });
    } catch (error) {
      throw new Error(
        `--summary-parquet ${this.target.location}: cannot write there (${(error as Error).message})`,
      );
    }
  }

  /** Stages a file per day of `rows` (the engine hands over one day at a time). */
  addRows(rows: readonly SummaryRow[]): void {
    const byDay = new Map<string, SummaryRow[]>();
    for (const row of rows) {
      const list = byDay.get(row.usage_start);
      if (list) list.push(row);
      else byDay.set(row.usage_start, [row]);
    }
    for (const [day, dayRows] of byDay) {
      const partition = dayPartition(this.target.sourceUuid, day);
      const name = `${randomUUID()}.parquet`;
      const localPath = join(this.staging, partition, name);
      writeSummaryParquetFile(localPath, dayRows);
      this.files.push({ partition, name, localPath });
      this.rows += dayRows.length;
    }
  }

  /** Replaces every day partition of the range with the staged files (none for a day without rows). */
  async publish(): Promise<SummaryParquetResult> {
    const partitions = this.partitionsOfRange();
    try {
      if (this.s3) await this.s3.replacePartitions(partitions, this.files);
      else this.replaceLocalPartitions(partitions);
      await this.clearPending();
    } finally {
      this.discard();
    }
    return { days: partitions.length, files: this.files.length, rows: this.rows };
  }

  /**
   * Records, before COMMIT, that this run is about to change PostgreSQL ahead of the copy; `publish` clears it.
   * A run killed in between leaves the note behind, and returns the ranges of such earlier runs (their days
   * may differ between PostgreSQL and the copy until re-run). Called under the publication lock.
   */
  async notePending(startedAt: string): Promise<PendingRun[]> {
    const earlier = await this.readPending();
    this.noted = { startDate: this.target.startDate, endDate: this.target.endDate, startedAt };
    await this.writePending([...earlier, this.noted]);
    return earlier;
  }

  /** Takes this run's note back when its transaction rolled back (PostgreSQL did not change). */
  async withdrawPending(): Promise<void> {
    const noted = this.noted;
    if (!noted) return;
    this.noted = null;
    await this.writePending((await this.readPending()).filter((p) => p.startedAt !== noted.startedAt));
  }

  /** Removes the ranges this run rewrote (its own included) from the note; deletes it when none is left. */
  async clearPending(): Promise<void> {
    const { startDate, endDate } = this.target;
    const left = (await this.readPending()).filter((p) => p.startDate < startDate || p.endDate > endDate);
    await this.writePending(left);
  }

  /** Removes the staged files (after publish, or when the run failed before it). */
  discard(): void {
    if (this.finished) return;
    this.finished = true;
    rmSync(this.staging, { recursive: true, force: true });
    this.s3?.close();
  }

  private get pendingName(): string {
    return `_ocp-aggregator-pending-${this.target.sourceUuid}.json`;
  }

  private async readPending(): Promise<PendingRun[]> {
    let text: string | null;
    if (this.s3) text = await this.s3.readText(this.pendingName);
    else {
      const path = join(this.target.location, this.pendingName);
      text = existsSync(path) ? readFileSync(path, "utf8") : null;
    }
    if (text === null) return [];
    try {
      return JSON.parse(text) as PendingRun[];
    } catch {
      throw new Error(
        `${this.describe().replace(/\/?$/, "/")}${this.pendingName}: not JSON this program wrote`,
      );
    }
  }

  private async writePending(runs: readonly PendingRun[]): Promise<void> {
    const text = runs.length === 0 ? null : `${JSON.stringify(runs)}\n`;
    if (this.s3) return this.s3.writeText(this.pendingName, text);
    const path = join(this.target.location, this.pendingName);
    if (text === null) rmSync(path, { force: true });
    else {
      mkdirSync(this.target.location, { recursive: true });
      writeFileSync(path, text);
    }
  }

  private replaceLocalPartitions(partitions: readonly string[]): void {
    for (const partition of partitions) {
      const live = join(this.target.location, partition);
      rmSync(live, { recursive: true, force: true });
      const staged = join(this.staging, partition);
      if (existsSync(staged)) {
        mkdirSync(join(live, ".."), { recursive: true });
        renameSync(staged, live);
      }
    }
  }

  private partitionsOfRange(): string[] {
    const partitions: string[] = [];
    const first = Date.parse(`${this.target.startDate}T00:00:00Z`);
    const last = Date.parse(`${this.target.endDate}T00:00:00Z`);
    for (let ms = first; ms <= last; ms += MS_PER_DAY) {
      partitions.push(dayPartition(this.target.sourceUuid, new Date(ms).toISOString().slice(0, 10)));
    }
    return partitions;
  }
}

/**
 * Runs that write the same copy publish in the order they commit: each takes this session-level lock inside its
 * transaction (after its rows, before COMMIT) and releases it once published, so a run that committed later
 * cannot publish first and leave the copy holding older rows than PostgreSQL, nor interleave its day
 * replacements with another's (duplicate files). A session that dies releases it.
 */
export async function lockCopyPublication(client: pg.Client, target: SummaryParquetTarget): Promise<void> {
  await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [copyLockKey(target)]);
}

export async function unlockCopyPublication(client: pg.Client, target: SummaryParquetTarget): Promise<void> {
  await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [copyLockKey(target)]);
}

export function copyLockKey(target: SummaryParquetTarget): string {
  return `ocp-aggregator:summary-parquet:${target.location.replace(/\/+$/, "")}:${target.sourceUuid}`;
}

/** The day folders of a local table root (for tests and reports). */
export function listDayPartitions(root: string, sourceUuid: string): string[] {
  const base = join(root, `source=${sourceUuid}`);
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((p) => /^year=\d+\/month=\d+\/day=\d+$/.test(p))
    .sort();
}
