/**
 * Progress of a run on stderr: a cli-progress bar counting row groups, with files and rows beside it.
 * Disabled (not a terminal, CI, or `progress: off`) it draws nothing but still counts, so the caller
 * can put the same figures in its structured logs.
 */
import cliProgress from "cli-progress";
import type { ProgressSetting } from "../config/schema.js";

export interface ProgressTotals {
  files: number;
  rowGroups: number;
  bytes: number;
}

export interface ProgressDelta {
  rowGroups?: number;
  rows?: number;
  files?: number;
}

export interface ProgressCounts {
  files: number;
  rowGroups: number;
  rows: number;
}

export interface Progress {
  readonly enabled: boolean;
  start(totals: ProgressTotals): void;
  advance(delta: ProgressDelta): void;
  stop(): void;
  /** What has been counted so far (also when disabled). */
  counts(): ProgressCounts;
}

export interface ProgressOptions {
  enabled: boolean;
  /** Default stderr. */
  stream?: NodeJS.WritableStream;
}

/** `auto`: a bar only on a terminal outside CI; `on`/`off` force it. */
export function shouldShowProgress(
  setting: ProgressSetting,
  stream: NodeJS.WritableStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (setting !== "auto") return setting === "on";
  const inCi = env.CI !== undefined && env.CI !== "" && env.CI.toLowerCase() !== "false";
  return (stream as NodeJS.WriteStream).isTTY === true && !inCi;
}

export function createProgress(options: ProgressOptions): Progress {
  const counts: ProgressCounts = { files: 0, rowGroups: 0, rows: 0 };
  let bar: cliProgress.SingleBar | null = null;
  let startedAt = 0;
  let totals: ProgressTotals = { files: 0, rowGroups: 0, bytes: 0 };

  const payload = () => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 1e-3);
    return {
      files: counts.files,
      totalFiles: totals.files,
      rows: formatCount(counts.rows),
      rate: formatCount(counts.rows / seconds),
      size: formatBytes(totals.bytes),
    };
  };

  return {
    enabled: options.enabled,
    start(newTotals) {
      totals = newTotals;
      startedAt = Date.now();
      if (!options.enabled || bar) return;
      const stream = options.stream ?? process.stderr;
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WriteStream,
          format:
            "{bar} {percentage}% | files {files}/{totalFiles} ({size}) | row groups {value}/{total} | {rows} rows, {rate} rows/s | ETA {eta_formatted}",
          hideCursor: true,
          fps: 5,
          // `progress: on` forces the bar even where stderr is not a terminal (e.g. a log file).
          noTTYOutput: (stream as NodeJS.WriteStream).isTTY !== true,
          notTTYSchedule: 5000,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(newTotals.rowGroups, 0), 0, payload());
    },
    advance(delta) {
      counts.files += delta.files ?? 0;
      counts.rowGroups += delta.rowGroups ?? 0;
      counts.rows += delta.rows ?? 0;
      bar?.update(counts.rowGroups, payload());
    },
    stop() {
      if (!bar) return;
      bar.update(counts.rowGroups, payload());
      bar.stop();
      bar = null;
    },
    counts: () => ({ ...counts }),
  };
}

export function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}K`;
  return String(Math.round(value));
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
