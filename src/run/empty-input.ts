/**
 * A run that finds nothing must not replace a month with nothing: a wrong --input, --month or source uuid
 * would otherwise delete the rows already stored. These build the error (what was looked for, where, and
 * what the source does hold) and the warning given when `run.allow_empty` lets such a run through.
 */
import { ALL_REPORT_TYPES, type InputSource, type ReportType, type RunParams } from "../model.js";

/** Deterministic: the same input gives the same failure, so a queue must not retry it. */
export class EmptyInputError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "EmptyInputError";
  }
}

/** Fails the run with `what` found nothing, or (allow_empty on) warns that the range is emptied. */
export function refuseEmptyInput(what: string, allowEmpty: boolean, warn: (message: string) => void): void {
  if (!allowEmpty) {
    throw new EmptyInputError(
      `${what}; nothing was changed (to replace the range with nothing, use --allow-empty or run.allow_empty)`,
    );
  }
  warn(`${what}; run.allow_empty is on: the stored rows of the range are replaced with nothing`);
}

function runText(run: RunParams): string {
  const month = `${run.year}-${String(run.month).padStart(2, "0")}`;
  return `source ${run.sourceUuid}, ${month}`;
}

/** "no input files": names the root, the run, the report types and month folders looked for. */
export async function describeNoInputFiles(source: InputSource, run: RunParams): Promise<string> {
  const root = source.describe();
  const query = { orgId: run.orgId, sourceUuid: run.sourceUuid, year: run.year, month: run.month };
  const search = await source.describeSearch?.(query).catch(() => undefined);
  const types = ALL_REPORT_TYPES.join(", ");
  let where: string;
  if (!search) {
    where = `looked for ${types} Parquet of source=${run.sourceUuid}/year=${run.year}/month=${run.month}`;
  } else if (search.org === null) {
    const warehouse = search.warehouse === "" ? "the root" : `${search.warehouse}/`;
    where = `no <org>/OCP/<${types}>/source=${run.sourceUuid}/ folder under ${warehouse}${run.orgId === null ? " (or give --org-id)" : ""}`;
  } else {
    where = `looked for Parquet files of ${types} under ${search.prefixes.join(" and ")}`;
    if (search.otherMonths.length > 0) {
      const shown = search.otherMonths.slice(-12).join(", ");
      where += `; this source has files for ${shown}`;
    }
  }
  return `no input files for ${runText(run)} in ${root}: ${where}`;
}

/** "no usage rows in range": files were read, but no pod or storage row lies in the run's days. */
export function describeNoUsageRows(
  source: string,
  run: RunParams,
  files: readonly { reportType: string; rows: number }[],
): string {
  const perType = new Map<string, { files: number; rows: number }>();
  for (const file of files) {
    const entry = perType.get(file.reportType) ?? { files: 0, rows: 0 };
    entry.files += 1;
    entry.rows += file.rows;
    perType.set(file.reportType, entry);
  }
  const usageTypes: ReportType[] = ["pod_usage", "storage_usage"];
  const read = usageTypes
    .map((type) => {
      const entry = perType.get(type);
      return `${type}: ${entry ? `${entry.files} files, ${entry.rows.toLocaleString("en-US")} rows` : "no files"}`;
    })
    .join("; ");
  return (
    `no usage rows between ${run.startDate} and ${run.endDate} for ${runText(run)} in ${source} ` +
    `(${read}; none with interval_start in that range)`
  );
}
