/**
 * bench.md: the results as Markdown tables (main scales, then the 4×-input variants) with the machine,
 * commit and load average beside them, and the targets checked against the figures.
 */
import type { BenchFile, BenchSummary } from "./schema.js";
import { writeFloorMarkdown, writeTargetLines } from "./write-floor.js";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const fixed = (n: number | null, digits: number) => (n === null ? "—" : n.toFixed(digits));

function phasesCell(s: BenchSummary): string {
  const p = s.medianPhases;
  if (!p) return "—";
  return `list ${p.list.toFixed(2)} · read ${p.read.toFixed(2)} · agg ${p.aggregate.toFixed(2)} · finish ${p.finish.toFixed(2)} · write ${p.write.toFixed(2)}`;
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Input rows per CPU second: the work rate, which other load on the machine does not dilute. */
const rowsPerCpuSecond = (s: BenchSummary) =>
  s.medianCpuSeconds && s.medianCpuSeconds > 0 ? int(s.inputRows / s.medianCpuSeconds) : "—";

function mainTable(summary: BenchSummary[]): string[] {
  // `--scales none` (only the OCP-on-AWS line): no summary table rather than an empty one.
  if (!summary.some((s) => s.variant === "base")) return [];
  const lines = [
    row([
      "scale",
      "mode",
      "input rows",
      "output rows",
      "median wall s",
      "job s",
      "CPU s",
      "rows/s",
      "rows/CPU-s",
      "peak RSS MB",
      "phases (median s)",
      "DuckDB wall s",
      "DuckDB CPU s",
      "ratio wall",
      "ratio CPU",
      "load (1 min)",
    ]),
    row(["---", "---", ...Array(8).fill("---:"), "---", ...Array(5).fill("---:")]),
  ];
  for (const s of summary.filter((e) => e.variant === "base")) {
    const engine = s.tool === "engine";
    lines.push(
      row([
        s.scale,
        engine ? (s.mode ?? "") : s.tool === "engine-only" ? "engine alone, no DB" : "DuckDB reference",
        int(s.inputRows),
        int(s.outputRows),
        s.medianWallSeconds.toFixed(2),
        s.medianPhases ? s.medianPhases.total.toFixed(2) : "—",
        fixed(s.medianCpuSeconds, 2),
        int(s.rowsPerSecond),
        rowsPerCpuSecond(s),
        int(s.peakRssMb),
        phasesCell(s),
        engine ? fixed(s.duckdbSeconds, 2) : "—",
        engine ? fixed(s.duckdbCpuSeconds, 2) : "—",
        engine ? fixed(s.ratioToDuckdb, 2) : "—",
        engine ? fixed(s.cpuRatioToDuckdb, 2) : "—",
        s.medianLoadAverage.toFixed(1),
      ]),
    );
  }
  return lines;
}

function variantTable(summary: BenchSummary[]): string[] {
  const engine = summary.filter((s) => s.tool === "engine");
  const variantScales = new Set(engine.filter((s) => s.variant !== "base").map((s) => s.scale));
  const rows = engine.filter((s) => variantScales.has(s.scale));
  if (rows.length === 0) return [];
  const baseRss = new Map(
    rows.filter((s) => s.variant === "base").map((s) => [`${s.scale}|${s.mode}`, s.peakRssMb]),
  );
  const lines = [
    "",
    "### Same output from more input (peak memory must not grow with input rows)",
    "",
    row([
      "dataset",
      "mode",
      "input rows",
      "output rows",
      "median wall s",
      "rows/s",
      "peak RSS MB",
      "RSS vs base",
      "state bytes / output group",
    ]),
    row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
  ];
  for (const s of rows) {
    const base = baseRss.get(`${s.scale}|${s.mode}`);
    const change = base
      ? `${s.peakRssMb >= base ? "+" : ""}${(((s.peakRssMb - base) / base) * 100).toFixed(1)} %`
      : "—";
    lines.push(
      row([
        s.dataset,
        s.mode ?? "",
        int(s.inputRows),
        int(s.outputRows),
        s.medianWallSeconds.toFixed(2),
        int(s.rowsPerSecond),
        int(s.peakRssMb),
        s.variant === "base" ? "(base)" : change,
        s.stateBytesPerGroup === null ? "—" : int(s.stateBytesPerGroup),
      ]),
    );
  }
  return lines;
}

/** The targets, each with the figure that decides it (only those the run has figures for). */
export function targetLines(summary: BenchSummary[]): string[] {
  const lines: string[] = [];
  const engine = summary.filter((s) => s.tool === "engine");
  const at5m = engine.filter((s) => s.scale === "5m" && s.variant === "base");
  for (const s of at5m) {
    const met = s.rowsPerSecond >= 1_000_000;
    lines.push(
      `- ≥ 1,000,000 input rows/s at 5M (${s.mode}): ${int(s.rowsPerSecond)} rows/s — ${met ? "met" : "missed"}`,
    );
  }
  const streaming = engine.filter((s) => s.mode === "streaming");
  if (streaming.length > 0) {
    const worst = streaming.reduce((a, b) => (b.peakRssMb > a.peakRssMb ? b : a));
    lines.push(
      `- streaming peak RSS ≤ 300 MB: highest ${int(worst.peakRssMb)} MB (${worst.dataset}) — ${worst.peakRssMb <= 300 ? "met" : "missed"}`,
    );
  }
  for (const [what, pick] of [
    ["wall time", (s: BenchSummary) => s.ratioToDuckdb],
    ["CPU time", (s: BenchSummary) => s.cpuRatioToDuckdb],
  ] as const) {
    const ratios = engine.filter((s) => pick(s) !== null && s.variant === "base");
    if (ratios.length === 0) continue;
    const worst = ratios.reduce((a, b) => ((pick(b) ?? 0) > (pick(a) ?? 0) ? b : a));
    const value = pick(worst) ?? 0;
    lines.push(
      `- within 2× of DuckDB (${what}): worst ${value.toFixed(2)}× (${worst.dataset}, ${worst.mode}) — ${value <= 2 ? "met" : "missed"}`,
    );
  }
  for (const s of engine.filter((e) => e.mode === "in-memory" && e.variant === "base")) {
    const stream = engine.find((e) => e.dataset === s.dataset && e.mode === "streaming");
    if (!stream) continue;
    const faster = s.medianWallSeconds < stream.medianWallSeconds;
    lines.push(
      `- in-memory vs streaming at ${s.scale}: ${s.medianWallSeconds.toFixed(2)} s vs ${stream.medianWallSeconds.toFixed(2)} s, ${int(s.peakRssMb)} vs ${int(stream.peakRssMb)} MB — in-memory ${faster ? "faster" : "not faster"}`,
    );
  }
  return lines;
}

export function benchMarkdown(bench: BenchFile): string {
  const m = bench.machine;
  const commit = bench.git.commit
    ? `${bench.git.commit.slice(0, 12)}${bench.git.dirty ? " (with local changes)" : ""}`
    : "unknown";
  const loads = bench.runs.map((r) => r.loadAverage[0]);
  const lines = [
    "# ocp-aggregator bench",
    "",
    `- date: ${bench.createdAt}`,
    `- command: \`${bench.command}\``,
    `- commit: ${commit}`,
    `- machine: ${m.cpus} × ${m.cpuModel}, ${int(m.totalMemoryMb)} MB RAM, ${m.platform} ${m.release} (${m.arch})`,
    `- Node ${m.node}; DuckDB ${m.duckdb ?? "—"}; PostgreSQL ${m.postgres ?? "—"} (${bench.settings.database})`,
    `- ${bench.settings.runs} run(s) per entry, each in a fresh child process; wall time is spawn to exit;`,
    "  job s = the engine's own total (config to commit, without Node's start-up and module loading);",
    "  CPU s = user + system CPU of the child (all threads, from its getrusage at exit);",
    "  rows/s = input rows / median wall time; rows/CPU-s = input rows / median CPU s; peak RSS = highest of the runs.",
    loads.length > 0
      ? `- 1-minute load average during the runs: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} (other work on the machine makes timings noisy)`
      : "- no runs",
    "",
    ...mainTable(bench.summary),
    ...variantTable(bench.summary),
    "",
    ...writeFloorMarkdown(bench.summary, bench.runs),
  ];
  const targets = [...targetLines(bench.summary), ...writeTargetLines(bench.summary)];
  if (targets.length > 0) lines.push("", "### Targets", "", ...targets);
  const failed = bench.runs.filter((r) => !r.ok);
  if (failed.length > 0) {
    lines.push("", "### Failed runs", "");
    for (const r of failed)
      lines.push(`- ${r.dataset} ${r.tool} ${r.mode ?? ""} #${r.repetition}: ${r.error}`);
  }
  return `${lines.join("\n")}\n`;
}
