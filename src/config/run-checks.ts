/**
 * Checks that span keys of a run: the day range must be ordered and lie inside the run's month
 * (spec §1), so a stale start/end date from a file cannot silently select nothing.
 */
import type { ConfigIssue } from "./origin.js";
import type { ResolvedSettings } from "./resolved.js";

export function checkRunDates(resolved: ResolvedSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const start = resolved.get("run.start_date");
  const end = resolved.get("run.end_date");
  const year = resolved.get("run.year")?.value as number | undefined;
  const month = resolved.get("run.month")?.value as number | undefined;

  if (year !== undefined && month !== undefined) {
    const monthText = `${year}-${String(month).padStart(2, "0")}`;
    for (const [key, setting] of [
      ["run.start_date", start],
      ["run.end_date", end],
    ] as const) {
      if (setting && !String(setting.value).startsWith(`${monthText}-`)) {
        const message = `${setting.value} is outside the run's month ${monthText}`;
        issues.push({ key, message, origin: setting.origin });
      }
    }
  }
  if (start && end && String(end.value) < String(start.value)) {
    const message = `${end.value} is before run.start_date ${start.value}`;
    issues.push({ key: "run.end_date", message, origin: end.origin });
  }
  return issues;
}
