/** The final run summary a user reads: what went in, what came out, how long, how much memory. */
import type { RunReport } from "../run/job.js";

export function formatRunReport(report: RunReport): string {
  const { outputRows: out, seconds } = report;
  // The input/output/time figures describe the daily summary; a run without it (`--steps gpu`) says so instead.
  const summaryDone = report.steps.done.includes("summary");
  const lines = [
    `source ${report.run.sourceUuid}  ${report.run.startDate} .. ${report.run.endDate}  (koku_sql ${report.run.kokuSql}, ${report.mode})`,
    ...(summaryDone
      ? [
          `input   ${report.input}: ${report.files} files, ${report.rowGroups} row groups, ${fmt(report.inputRows)} rows (${fmt(report.inputRowsInRange)} usage rows in range)`,
          `output  ${report.database} schema ${report.schema}: ${fmt(out.total)} rows  (Pod ${fmt(out.pod)}, Storage ${fmt(out.storage)}, unallocated ${fmt(out.unallocated)}); replaced ${fmt(report.deletedRows)}`,
          `time    ${seconds.total.toFixed(2)} s  (list ${seconds.list.toFixed(2)}, read ${seconds.read.toFixed(2)}, aggregate ${seconds.aggregate.toFixed(2)}, finish ${seconds.finish.toFixed(2)}, write ${seconds.write.toFixed(2)})  ${fmt(report.rowsPerSecond)} input rows/s`,
        ]
      : [
          `input   ${report.input}`,
          `output  ${report.database} schema ${report.schema}; daily summary not run (steps: ${report.steps.done.join(", ") || "none"})`,
          `time    ${seconds.total.toFixed(2)} s`,
        ]),
    `memory  peak RSS ${report.peakRssMb} MB, engine state ${(report.stateBytes / 1048576).toFixed(1)} MB`,
  ];
  for (const [table, counts] of Object.entries(report.tables)) {
    const parts = Object.entries(counts as Record<string, number>).map(([what, n]) => `${what} ${fmt(n)}`);
    lines.push(`table   ${table}: ${parts.join(", ")}`);
  }
  for (const skipped of report.steps.skipped) lines.push(`skipped ${skipped.step}: ${skipped.reason}`);
  if (report.outOfRangeMeasures > 0) {
    lines.push(`warning ${report.outOfRangeMeasures} measures above 1e18 or infinite were summed as given`);
  }
  return `${lines.join("\n")}\n`;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
