/**
 * Koku's OCP-on-AWS step for one AWS source, one OCP source and a day range, in memory and without I/O:
 * per Koku chunk of days (date_range_pair, 5-day step) matched tags, F1, F2 and F3; the project rows of all
 * chunks in a canonical order. The back-populate into the OCP summary is SQL in the sink (it reads the table).
 */
import type {
  AwsDailyRow,
  AwsHourlyMax,
  OcpMatchables,
  OcpOnAwsParams,
  OcpOnAwsReference,
  OcpSummaryInput,
  ProjectRow,
} from "../model.js";
import { PROJECT_COLUMNS } from "../model.js";
import { diskCapacities, hoursInMonth } from "./disk-capacity.js";
import { matchAwsRows } from "./f1-match.js";
import {
  claimedDiskCapacity,
  resourceMatched,
  storageByCsiHandle,
  storageUnattributed,
  tagMatched,
  type UuidSource,
} from "./f2-attribute.js";
import { clusterCounts, finalSplit, networkUnattributed, type SplitRow } from "./f2-split.js";
import { projectKeys, projectRows } from "./f3-project.js";
import { genericMatchedTags, keysEnabledForBoth, specialMatchedTags } from "./matched-tags.js";

export interface OcpOnAwsInputs {
  params: OcpOnAwsParams;
  reference: OcpOnAwsReference;
  /** aws_line_items_daily rows of the AWS source and month. */
  awsDaily: readonly AwsDailyRow[];
  /** Hourly maxima per `${resourceId}\u0000${day}` (aws_line_items). */
  awsHourly: ReadonlyMap<string, AwsHourlyMax>;
  /** Per chunk: matchable ids, nodes, namespaces of the OCP pod/storage daily rows of that chunk. */
  matchables: (range: DayRange) => OcpMatchables;
  /** OCP summary rows of the cluster in the range. */
  ocpRows: readonly OcpSummaryInput[];
  /** OCP summary rows of every OCP source known (this one included): shared disks and tag cluster counts. */
  allOcpRows: readonly OcpSummaryInput[];
  /** Identities for storage rows; deterministic in tests. */
  newUuid: UuidSource;
}

export interface DayRange {
  startDate: string;
  endDate: string;
}

/** Where a chunk's generic matched tags came from (Koku's order: tag-summary tables, else discovery). */
export type MatchedTagsSource = "tag summary tables" | "discovery" | "none: no key enabled for AWS and OCP";

export interface OcpOnAwsResult {
  rows: ProjectRow[];
  chunks: DayRange[];
  matchedTags: string[];
  /** The sources used, over all chunks. */
  matchedTagsSources: MatchedTagsSource[];
  counts: { awsRowsInRange: number; resourceMatched: number; tagMatched: number };
}

/** Koku's date_range_pair(start, end, step): [start..start+step], then step-day chunks, the last one short. */
export function dateRangePairs(startDate: string, endDate: string, step = 5): DayRange[] {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const iso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
  const start = day(startDate);
  const end = day(endDate);
  const dates: number[] = [];
  for (let d = start; d <= end; d += step) dates.push(d);
  if (dates.length === 1) return [{ startDate, endDate }];
  const pairs: DayRange[] = [];
  let from = start;
  for (const d of dates) {
    if (d === start && d !== end) continue;
    pairs.push({ startDate: iso(from), endDate: iso(d) });
    from = d + 1;
  }
  if (!dates.includes(end)) pairs.push({ startDate: iso(from), endDate });
  return pairs;
}

const inRange = (day: string, range: DayRange) => day >= range.startDate && day <= range.endDate;

export function runOcpOnAws(inputs: OcpOnAwsInputs): OcpOnAwsResult {
  const { params, reference } = inputs;
  const bothKeys = keysEnabledForBoth(reference.awsEnabledKeys, reference.ocpEnabledKeys);
  const keys = projectKeys(reference.awsEnabledKeys, reference.ocpEnabledKeys);
  const hours = hoursInMonth(params.year, params.month);
  const rows: ProjectRow[] = [];
  const matchedTags = new Set<string>();
  const sources = new Set<MatchedTagsSource>();
  const counts = { awsRowsInRange: 0, resourceMatched: 0, tagMatched: 0 };
  const chunks = dateRangePairs(params.startDate, params.endDate);
  for (const chunk of chunks) {
    const split = splitChunk(inputs, chunk, bothKeys, hours, { matchedTags, sources, counts });
    // one push per row: spreading a chunk's rows as arguments overflows the stack past ~120,000 rows
    for (const row of projectRows(split, keys, params)) rows.push(row);
  }
  rows.sort(compareProjectRows);
  return { rows, chunks, matchedTags: [...matchedTags].sort(), matchedTagsSources: [...sources], counts };
}

/**
 * F1 and F2 of one chunk: its AWS and OCP rows, the matched rows, the project-temp rows and their split. Only
 * the split rows leave, so everything else of the chunk can be collected before F3 groups them.
 */
function splitChunk(
  inputs: OcpOnAwsInputs,
  chunk: DayRange,
  bothKeys: readonly string[],
  hours: number,
  seen: { matchedTags: Set<string>; sources: Set<MatchedTagsSource>; counts: OcpOnAwsResult["counts"] },
): SplitRow[] {
  const { params, reference } = inputs;
  const aws = inputs.awsDaily.filter((r) => inRange(r.usageStart, chunk));
  const ocp = inputs.ocpRows.filter((r) => inRange(r.usageStart, chunk));
  const allOcp = inputs.allOcpRows.filter((r) => inRange(r.usageStart, chunk));
  const matchables = inputs.matchables(chunk);
  const { tags: generic, source } = chunkMatchedTags(reference, bothKeys, aws, ocp);
  seen.sources.add(source);
  const tagArray = [...generic, ...specialMatchedTags(matchables, params.clusterId, params.clusterAlias)];
  for (const t of generic) seen.matchedTags.add(t);
  const temp = matchAwsRows(aws, matchables, tagArray, reference.awsEnabledKeys, chunk);
  seen.counts.awsRowsInRange += aws.length;
  for (const t of temp) {
    if (t.resourceIdMatched) seen.counts.resourceMatched++;
    else seen.counts.tagMatched++;
  }
  const capacities = diskCapacities(temp, inputs.ocpRows, inputs.awsHourly, hours);
  const claimed = claimedDiskCapacity(allOcp, temp, chunk);
  const pds = [
    ...storageByCsiHandle(ocp, temp, capacities, inputs.newUuid),
    ...storageUnattributed(ocp, temp, capacities, claimed, inputs.newUuid),
    ...resourceMatched(ocp, temp, capacities),
    ...tagMatched(ocp, temp),
  ];
  return [
    ...finalSplit(
      pds,
      clusterCounts(temp, allOcp),
      params.distribution,
      params.markup,
      reference.accountAliases,
    ),
    ...networkUnattributed(ocp, temp, params.markup, reference.accountAliases),
  ];
}

/**
 * aws_report_db_accessor.py `_get_matched_tags_strings`: nothing unless a key is enabled for both AWS and OCP;
 * then the PostgreSQL tag-summary lookup, and the Trino discovery over the chunk only when that found nothing.
 */
function chunkMatchedTags(
  reference: OcpOnAwsReference,
  bothKeys: readonly string[],
  aws: readonly AwsDailyRow[],
  ocp: readonly OcpSummaryInput[],
): { tags: readonly string[]; source: MatchedTagsSource } {
  if (bothKeys.length === 0) return { tags: [], source: "none: no key enabled for AWS and OCP" };
  const stored = reference.storedMatchedTags ?? [];
  if (stored.length > 0) return { tags: stored, source: "tag summary tables" };
  return { tags: genericMatchedTags(aws, ocp, bothKeys), source: "discovery" };
}

/** Canonical row order: by every column as text (NULL first), so runs and tools compare row by row. */
export function compareProjectRows(a: ProjectRow, b: ProjectRow): number {
  for (const column of PROJECT_COLUMNS) {
    const x = a[column];
    const y = b[column];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === "number" && typeof y === "number") return x < y ? -1 : 1;
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return 0;
}
