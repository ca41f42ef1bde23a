/**
 * Where Koku keeps an AWS source's CUR Parquet (spec §1.4, masu/util/common.py get_path_prefix):
 *   <warehouse>/<org>/AWS/source=<uuid>/year=<yyyy>/month=<mm>/<csv base>_<n>.parquet                 hourly (aws_line_items)
 *   <warehouse>/daily/<org>/AWS/raw/source=<uuid>/year=<yyyy>/month=<mm>/<csv base>_daily_<n>.parquet  daily (aws_line_items_daily)
 * (`AWS-local` sources use that provider type as folder name.) Listing goes through the input's TreeBrowser,
 * so a local folder and S3 behave alike.
 */
import type { InputSource } from "../../model.js";
import { belongsToMonth, findWarehouse, joinPath, type TreeBrowser } from "../../source/layout.js";

export type CurGranularity = "hourly" | "daily";

export interface CurFile {
  granularity: CurGranularity;
  /** Path relative to the input root. */
  path: string;
  size: number;
}

export interface CurQuery {
  orgId: string | null;
  sourceUuid: string;
  year: number;
  month: number;
}

const PROVIDER_FOLDERS = ["AWS", "AWS-local"];

/** The folder view of a local or S3 input (both expose theirs). */
export function treeBrowserOf(source: InputSource): TreeBrowser {
  const browser = (source as { browser?: TreeBrowser }).browser;
  if (!browser)
    throw new Error(`cannot list AWS files in ${source.describe()}: the input has no folder view`);
  return browser;
}

function sourceFolders(warehouse: string, org: string, provider: string, uuid: string) {
  return [
    { granularity: "hourly" as const, path: joinPath(warehouse, org, provider, `source=${uuid}`) },
    {
      granularity: "daily" as const,
      path: joinPath(warehouse, "daily", org, provider, "raw", `source=${uuid}`),
    },
  ];
}

async function orgsWithSource(browser: TreeBrowser, warehouse: string, uuid: string): Promise<string[]> {
  const found = new Set<string>();
  const candidates = new Set([
    ...(await browser.listFolders(warehouse)).filter((o) => o !== "daily"),
    ...(await browser.listFolders(joinPath(warehouse, "daily"))),
  ]);
  for (const org of candidates) {
    for (const provider of PROVIDER_FOLDERS) {
      for (const folder of sourceFolders(warehouse, org, provider, uuid)) {
        const parent = folder.path.slice(0, folder.path.lastIndexOf("/"));
        if ((await browser.listFolders(parent)).includes(`source=${uuid}`)) found.add(org);
      }
    }
  }
  return [...found].sort();
}

/** Every CUR Parquet file of the AWS source's month, hourly and daily, sorted by path. */
export async function listCurFiles(
  browser: TreeBrowser,
  describeRoot: string,
  query: CurQuery,
): Promise<CurFile[]> {
  const warehouse = await findWarehouse(browser);
  let org = query.orgId;
  if (org === null) {
    const orgs = await orgsWithSource(browser, warehouse, query.sourceUuid);
    if (orgs.length > 1) {
      throw new Error(
        `AWS source ${query.sourceUuid} is present under several orgs in ${describeRoot} (${orgs.join(", ")}); choose one with --org-id`,
      );
    }
    org = orgs[0] ?? null;
  }
  if (org === null) return [];
  const files: CurFile[] = [];
  for (const provider of PROVIDER_FOLDERS) {
    for (const folder of sourceFolders(warehouse, org, provider, query.sourceUuid)) {
      const yearPath = joinPath(folder.path, `year=${query.year}`);
      for (const entry of await browser.listFilesBelow(yearPath)) {
        if (!belongsToMonth(entry.relativePath, query.month)) continue;
        files.push({
          granularity: folder.granularity,
          path: joinPath(yearPath, entry.relativePath),
          size: entry.size,
        });
      }
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
