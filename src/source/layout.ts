/**
 * Koku's object layout (spec §2.1), independent of where the tree lives:
 *   <warehouse>/<org>/OCP/<report_type>/source=<uuid>/year=<yyyy>/month=<mm>/[day=<dd>/]*.parquet        hourly
 *   <warehouse>/daily/<org>/OCP/<report_type>/source=<uuid>/year=<yyyy>/month=<mm>/[day=<dd>/]*.parquet  daily
 * The local and S3 sources supply a TreeBrowser; this module decides what belongs to a run.
 */
import { ALL_REPORT_TYPES, type AnyReportType, type Granularity } from "../model.js";

/** Read-only view of a folder tree. Paths are "/"-separated, relative to the input root ("" = root). */
export interface TreeBrowser {
  /** Names of the direct sub-folders of `dir`; [] when it does not exist. */
  listFolders(dir: string): Promise<string[]>;
  /** Every file below `dir` at any depth, with its path relative to `dir`; [] when it does not exist. */
  listFilesBelow(dir: string): Promise<{ relativePath: string; size: number }[]>;
}

export interface RunQuery {
  orgId: string | null;
  sourceUuid: string;
  year: number;
  month: number;
}

export interface LayoutFile {
  reportType: AnyReportType;
  granularity: Granularity;
  /** Path relative to the input root. */
  path: string;
  size: number;
}

const DAILY_FOLDER = "daily";

/**
 * Where Koku's `data/parquet` warehouse is: the root may hold `data/`, be `data/` itself (holding
 * `parquet/`), or be the warehouse. Returns the warehouse path relative to the root.
 */
export async function findWarehouse(browser: TreeBrowser): Promise<string> {
  const top = await browser.listFolders("");
  if (top.includes("data") && (await browser.listFolders("data")).includes("parquet")) return "data/parquet";
  if (top.includes("parquet")) return "parquet";
  return "";
}

/** The org folders (hourly or daily tree) that hold data of this source, sorted. */
export async function discoverOrgs(
  browser: TreeBrowser,
  warehouse: string,
  sourceUuid: string,
): Promise<string[]> {
  const found = new Set<string>();
  for (const tree of [warehouse, joinPath(warehouse, DAILY_FOLDER)]) {
    const isHourlyTree = tree === warehouse;
    for (const org of await browser.listFolders(tree)) {
      if (isHourlyTree && org === DAILY_FOLDER) continue;
      if (await orgHoldsSource(browser, joinPath(tree, org), sourceUuid)) found.add(org);
    }
  }
  return [...found].sort();
}

async function orgHoldsSource(browser: TreeBrowser, orgPath: string, sourceUuid: string): Promise<boolean> {
  const reportFolders = await browser.listFolders(joinPath(orgPath, "OCP"));
  for (const reportType of ALL_REPORT_TYPES) {
    if (!reportFolders.includes(reportType)) continue;
    const sources = await browser.listFolders(joinPath(orgPath, "OCP", reportType));
    if (sources.includes(`source=${sourceUuid}`)) return true;
  }
  return false;
}

/** Picks the one org of the run: the given one, or the single org holding the source. */
export async function resolveOrg(
  browser: TreeBrowser,
  warehouse: string,
  query: RunQuery,
  describeRoot: string,
): Promise<string | null> {
  if (query.orgId !== null) return query.orgId;
  const orgs = await discoverOrgs(browser, warehouse, query.sourceUuid);
  if (orgs.length > 1) {
    throw new Error(
      `source ${query.sourceUuid} is present under several orgs in ${describeRoot} (${orgs.join(", ")}); ` +
        "choose one with --org-id",
    );
  }
  return orgs[0] ?? null;
}

/** Every Parquet file of the run's month in both trees, in no particular order. */
export async function listRunFiles(
  browser: TreeBrowser,
  describeRoot: string,
  query: RunQuery,
): Promise<LayoutFile[]> {
  const warehouse = await findWarehouse(browser);
  const org = await resolveOrg(browser, warehouse, query, describeRoot);
  if (org === null) return [];
  const trees: { granularity: Granularity; orgPath: string }[] = [
    { granularity: "hourly", orgPath: joinPath(warehouse, org) },
    { granularity: "daily", orgPath: joinPath(warehouse, DAILY_FOLDER, org) },
  ];
  const files: LayoutFile[] = [];
  for (const { granularity, orgPath } of trees) {
    for (const reportType of ALL_REPORT_TYPES) {
      // List the year folder so both `month=05` and `month=5` (and `day=` levels) are seen.
      const yearPath = joinPath(
        orgPath,
        "OCP",
        reportType,
        `source=${query.sourceUuid}`,
        `year=${query.year}`,
      );
      for (const entry of await browser.listFilesBelow(yearPath)) {
        if (!belongsToMonth(entry.relativePath, query.month)) continue;
        files.push({
          reportType,
          granularity,
          path: joinPath(yearPath, entry.relativePath),
          size: entry.size,
        });
      }
    }
  }
  return files;
}

/** Where a run looked and what else the source holds: the words of an "input is empty" error. */
export interface RunSearch {
  /** The run's month folders (hourly and daily trees), relative to the root; none when no org holds it. */
  prefixes: string[];
  /** The folder holding the org folders, relative to the root ("" = the root itself). */
  warehouse: string;
  org: string | null;
  /** Other months with Parquet files of this source, `YYYY-MM`, sorted (at most a few years' worth). */
  otherMonths: string[];
}

/** Retraces listRunFiles for a run that found nothing (only called then, so a few more listings are fine). */
export async function describeRunSearch(browser: TreeBrowser, query: RunQuery): Promise<RunSearch> {
  const warehouse = await findWarehouse(browser);
  const orgs =
    query.orgId !== null ? [query.orgId] : await discoverOrgs(browser, warehouse, query.sourceUuid);
  const org = orgs.length === 1 ? orgs[0] : null;
  if (org === null) return { prefixes: [], warehouse, org, otherMonths: [] };
  const month = String(query.month).padStart(2, "0");
  const prefixes: string[] = [];
  const months = new Set<string>();
  for (const tree of [joinPath(warehouse, org), joinPath(warehouse, DAILY_FOLDER, org)]) {
    const sourcePath = joinPath(tree, "OCP", "<report type>");
    prefixes.push(
      `${joinPath(sourcePath, `source=${query.sourceUuid}`, `year=${query.year}`, `month=${month}`)}/`,
    );
    for (const reportType of ALL_REPORT_TYPES) {
      const source = joinPath(tree, "OCP", reportType, `source=${query.sourceUuid}`);
      for (const yearFolder of (await browser.listFolders(source)).slice(0, 5)) {
        const year = /^year=(\d{4})$/.exec(yearFolder)?.[1];
        if (!year) continue;
        for (const monthFolder of await browser.listFolders(joinPath(source, yearFolder))) {
          const m = /^month=(\d{1,2})$/.exec(monthFolder)?.[1];
          if (m) months.add(`${year}-${m.padStart(2, "0")}`);
        }
      }
    }
  }
  months.delete(`${query.year}-${month}`);
  return { prefixes, warehouse, org, otherMonths: [...months].sort() };
}

/**
 * True for `month=<m>/<file>.parquet` and `month=<m>/day=<d>/<file>.parquet` of the wanted month.
 * Hidden and marker files (`.x`, `_SUCCESS`, `*.crc`) and other shapes are not data.
 */
export function belongsToMonth(relativePath: string, month: number): boolean {
  const parts = relativePath.split("/");
  if (parts.length !== 2 && parts.length !== 3) return false;
  const monthMatch = /^month=(\d{1,2})$/.exec(parts[0]);
  if (!monthMatch || Number(monthMatch[1]) !== month) return false;
  if (parts.length === 3 && !/^day=\d{1,2}$/.test(parts[1])) return false;
  return isParquetFileName(parts[parts.length - 1]);
}

export function isParquetFileName(name: string): boolean {
  return name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_");
}

/** Joins "/"-paths, skipping empty parts ("" is the root). */
export function joinPath(...parts: string[]): string {
  return parts.filter((part) => part !== "").join("/");
}

/** Byte-wise order, so every platform and locale sorts locations the same way. */
export function compareLocations(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
