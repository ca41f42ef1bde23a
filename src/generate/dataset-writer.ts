/**
 * Writes one dataset's Parquet tree in Koku's layout (spec §2.1): hourly and daily files per report
 * type, the data range split over `filesPerType` files in time order, each daily file regrouping the
 * rows of its hourly counterpart (as Koku's ingest does per uploaded file).
 */
import { join } from "node:path";
import { type AnyReportType, type Granularity, REPORT_TYPES, type ReportType } from "../model.js";
import { DailyRollup } from "./daily-rollup.js";
import { writeGpuVmFiles } from "./gpu-vm-output.js";
import { HourlyRowProducer } from "./hourly-rows.js";
import { type Compression, ParquetFileOutput } from "./parquet-output.js";
import { columnsFor } from "./parquet-schemas.js";
import type { DatasetSpec } from "./spec.js";
import { uuid5 } from "./uuid5.js";

export type RowCounts = Record<ReportType, { hourly: number; daily: number }> &
  Partial<Record<"gpu_usage" | "vm_usage", { hourly: number; daily: number }>>;

export interface DatasetWriteOptions {
  outDir: string;
  seed: number;
  rowGroupSize: number;
  compression: Compression;
  /** Called after each interval with the hourly pod rows written so far. */
  onProgress?: (done: { intervals: number; totalIntervals: number; podRows: number }) => void;
}

export interface DatasetWriteResult {
  sourceUuid: string;
  counts: RowCounts;
  files: string[];
}

export function sourceUuidFor(spec: DatasetSpec, seed: number): string {
  return spec.sourceUuid ?? uuid5(`ocp-aggregator:generate:${spec.name}:${seed}`);
}

/** `data/parquet[/daily]/<org>/OCP/<type>/source=<uuid>/year=<yyyy>/month=<mm>` under the output root. */
export function partitionDir(
  outDir: string,
  spec: DatasetSpec,
  sourceUuid: string,
  type: AnyReportType,
  granularity: Granularity,
): string {
  const tree = granularity === "daily" ? ["data", "parquet", "daily"] : ["data", "parquet"];
  return join(
    outDir,
    ...tree,
    spec.orgId,
    "OCP",
    type,
    `source=${sourceUuid}`,
    `year=${spec.year}`,
    `month=${String(spec.month).padStart(2, "0")}`,
  );
}

function emptyCounts(): RowCounts {
  const counts = {} as RowCounts;
  for (const type of REPORT_TYPES) counts[type] = { hourly: 0, daily: 0 };
  return counts;
}

interface FileSet {
  hourly: Map<ReportType, ParquetFileOutput>;
  daily: Map<ReportType, { output: ParquetFileOutput; rollup: DailyRollup }>;
}

export function writeDataset(spec: DatasetSpec, options: DatasetWriteOptions): DatasetWriteResult {
  const sourceUuid = sourceUuidFor(spec, options.seed);
  const producer = new HourlyRowProducer(spec, options.seed);
  const intervals = producer.intervalStarts();
  const fileCount = Math.max(1, Math.min(spec.filesPerType, intervals.length));
  const counts = emptyCounts();
  const files: string[] = [];
  const outputOptions = { rowGroupSize: options.rowGroupSize, compression: options.compression };
  let podRows = 0;

  for (let k = 0; k < fileCount; k++) {
    const set = openFileSet(spec, sourceUuid, k, options.outDir, outputOptions);
    const sink = (type: ReportType, row: Parameters<ParquetFileOutput["append"]>[0], groupKey: string) => {
      set.hourly.get(type)?.append(row);
      set.daily.get(type)?.rollup.add(row, groupKey);
    };
    const from = Math.floor((k * intervals.length) / fileCount);
    const to = Math.floor(((k + 1) * intervals.length) / fileCount);
    for (let i = from; i < to; i++) {
      producer.emitInterval(intervals[i], sink);
      podRows = counts.pod_usage.hourly + (set.hourly.get("pod_usage")?.rowCount ?? 0);
      options.onProgress?.({ intervals: i + 1, totalIntervals: intervals.length, podRows });
    }
    for (const type of REPORT_TYPES) {
      const hourly = set.hourly.get(type);
      const daily = set.daily.get(type);
      if (!hourly || !daily) continue;
      hourly.close();
      daily.rollup.flush();
      daily.output.close();
      counts[type].hourly += hourly.rowCount;
      counts[type].daily += daily.output.rowCount;
      files.push(hourly.path, daily.output.path);
    }
  }
  const extra = writeGpuVmFiles(spec, intervals, {
    outDir: options.outDir,
    sourceUuid,
    partitionDir: (type, granularity) => partitionDir(options.outDir, spec, sourceUuid, type, granularity),
    rowGroupSize: options.rowGroupSize,
    compression: options.compression,
  });
  if (spec.gpus.length > 0)
    counts.gpu_usage = { hourly: extra.counts.gpu_usage[0], daily: extra.counts.gpu_usage[1] };
  if (spec.vms.length > 0)
    counts.vm_usage = { hourly: extra.counts.vm_usage[0], daily: extra.counts.vm_usage[1] };
  files.push(...extra.files);
  return { sourceUuid, counts, files: files.sort() };
}

function openFileSet(
  spec: DatasetSpec,
  sourceUuid: string,
  fileIndex: number,
  outDir: string,
  outputOptions: { rowGroupSize: number; compression: Compression },
): FileSet {
  const set: FileSet = { hourly: new Map(), daily: new Map() };
  const effectiveUsage =
    spec.dailyEffectiveUsage === "given" || (spec.dailyEffectiveUsage === "mixed" && fileIndex % 2 === 0);
  const schemaOptions = { nodeRoleColumn: spec.nodeRoleColumn, effectiveUsage };
  for (const type of REPORT_TYPES) {
    for (const granularity of ["hourly", "daily"] as const) {
      // File names carry no meaning to readers; Koku's look like `<uuid>_<type>_<n>.parquet`.
      const name = `${uuid5(`${sourceUuid}/${granularity}/${type}/${fileIndex}`)}_${type}_${fileIndex}.parquet`;
      const path = join(partitionDir(outDir, spec, sourceUuid, type, granularity), name);
      const output = new ParquetFileOutput(path, columnsFor(type, granularity, schemaOptions), outputOptions);
      if (granularity === "hourly") set.hourly.set(type, output);
      else set.daily.set(type, { output, rollup: new DailyRollup(type, (row) => output.append(row)) });
    }
  }
  return set;
}
