/**
 * bench.svg, drawn by hand (no chart library): two panels against input rows on a log axis — throughput
 * (rows/s) and peak RSS (MB) — one line per series (engine streaming, engine in-memory, DuckDB), with the
 * issue's targets as dashed lines and the 4×-input variants as hollow markers.
 */
import type { BenchSummary } from "./schema.js";

interface Point {
  x: number;
  y: number;
}

interface Series {
  label: string;
  color: string;
  points: Point[];
  /** Hollow markers, no line (the variants). */
  markersOnly?: boolean;
  /** A dotted line with small markers (rows per CPU second beside rows per wall second); not in the legend. */
  dotted?: boolean;
}

const WIDTH = 1010;
const HEIGHT = 460;
const PANEL = { width: 400, height: 290, top: 110 };
const LEFTS = [80, 585];

const escapeXml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

export function formatShort(value: number): string {
  const trim = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, ""));
  if (value >= 1e9) return `${trim(value / 1e9)}G`;
  if (value >= 1e6) return `${trim(value / 1e6)}M`;
  if (value >= 1e3) return `${trim(value / 1e3)}K`;
  return trim(value);
}

/** A round upper bound for a linear axis and its tick step (1, 2 or 5 × 10^k, about 5 ticks). */
export function niceAxis(max: number): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  return { max: Math.ceil(max / step) * step, step };
}

/** Log-axis bounds (whole decades around the data) and ticks at 1, 2, 5 × 10^k inside them. */
export function logAxis(values: number[]): { min: number; max: number; ticks: number[] } {
  const positive = values.filter((v) => v > 0);
  const lo = positive.length > 0 ? Math.min(...positive) : 1;
  const hi = positive.length > 0 ? Math.max(...positive) : 10;
  const min = 10 ** Math.floor(Math.log10(lo));
  let max = 10 ** Math.ceil(Math.log10(hi));
  if (max <= min) max = min * 10;
  const ticks: number[] = [];
  for (let decade = min; decade <= max; decade *= 10) {
    for (const m of [1, 2, 5]) if (decade * m <= max) ticks.push(decade * m);
  }
  return { min, max, ticks };
}

function panel(
  left: number,
  title: string,
  yLabel: string,
  series: Series[],
  target: { value: number; label: string } | null,
  /** A log y axis, for values spanning decades (the engine's MBs beside DuckDB's GBs). */
  yLog = false,
): string[] {
  const { width, height, top } = PANEL;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const xAxis = logAxis(xs);
  const logPos = (v: number, axis: { min: number; max: number }) =>
    (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  const px = (x: number) => left + logPos(x, xAxis) * width;
  const linear = niceAxis(Math.max(...ys, target?.value ?? 0) * 1.08);
  const yLogAxis = logAxis([...ys, ...(target ? [target.value] : [])]);
  const yTicks: number[] = [];
  if (yLog) yTicks.push(...yLogAxis.ticks);
  else for (let y = 0; y <= linear.max + linear.step / 2; y += linear.step) yTicks.push(y);
  const py = (y: number) =>
    top + height - (yLog ? logPos(Math.max(y, yLogAxis.min), yLogAxis) : y / linear.max) * height;
  const out: string[] = [
    `<text x="${left + width / 2}" y="${top - 14}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#444"/>`,
  ];
  for (const y of yTicks) {
    const yy = py(y).toFixed(1);
    out.push(
      `<line x1="${left}" y1="${yy}" x2="${left + width}" y2="${yy}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" font-size="11">${formatShort(y)}</text>`,
    );
  }
  for (const x of xAxis.ticks) {
    const xx = px(x).toFixed(1);
    out.push(
      `<line x1="${xx}" y1="${top}" x2="${xx}" y2="${top + height}" stroke="#eee"/>`,
      `<text x="${xx}" y="${top + height + 16}" text-anchor="middle" font-size="11">${formatShort(x)}</text>`,
    );
  }
  out.push(
    `<text x="${left + width / 2}" y="${top + height + 36}" text-anchor="middle" font-size="12">input rows (log scale)</text>`,
    `<text x="${left - 56}" y="${top + height / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 ${left - 56} ${top + height / 2})">${escapeXml(yLog ? `${yLabel}, log scale` : yLabel)}</text>`,
  );
  if (target && (yLog || target.value <= linear.max)) {
    const yy = py(target.value).toFixed(1);
    out.push(
      `<line x1="${left}" y1="${yy}" x2="${left + width}" y2="${yy}" stroke="#c00" stroke-dasharray="6 4"/>`,
      `<text x="${left + width - 4}" y="${Number(yy) - 5}" text-anchor="end" font-size="11" fill="#c00">${escapeXml(target.label)}</text>`,
    );
  }
  for (const s of series) {
    const points = [...s.points].sort((a, b) => a.x - b.x);
    if (!s.markersOnly && points.length > 1) {
      const path = points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ");
      const dash = s.dotted ? ' stroke-dasharray="2 3"' : "";
      out.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    for (const p of points) {
      const fill = s.markersOnly ? "white" : s.color;
      out.push(
        `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="${s.dotted ? 2.5 : 4}" fill="${fill}" stroke="${s.color}" stroke-width="2"/>`,
      );
    }
  }
  return out;
}

function legend(series: Series[], note: string | null): string[] {
  const out: string[] = [];
  let x = 80;
  for (const s of series.filter((e) => !e.dotted)) {
    const fill = s.markersOnly ? "white" : s.color;
    out.push(
      s.markersOnly
        ? ""
        : `<line x1="${x}" y1="44" x2="${x + 24}" y2="44" stroke="${s.color}" stroke-width="2"/>`,
      `<circle cx="${x + 12}" cy="44" r="4" fill="${fill}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${x + 32}" y="44" dominant-baseline="middle" font-size="12">${escapeXml(s.label)}</text>`,
    );
    x += 40 + s.label.length * 7;
  }
  if (note) out.push(`<text x="80" y="68" font-size="11" fill="#555">${escapeXml(note)}</text>`);
  return out.filter((line) => line !== "");
}

const COLORS = { streaming: "#1f77b4", "in-memory": "#2ca02c", duckdb: "#ff7f0e", variants: "#9467bd" };

/** Builds the series of one measure from the summary entries. */
function seriesOf(summary: BenchSummary[], measure: (s: BenchSummary) => number): Series[] {
  const base = summary.filter((s) => s.variant === "base");
  const pick = (filter: (s: BenchSummary) => boolean) =>
    base.filter(filter).map((s) => ({ x: s.inputRows, y: measure(s) }));
  const all: Series[] = [
    {
      label: "engine, streaming",
      color: COLORS.streaming,
      points: pick((s) => s.tool === "engine" && s.mode === "streaming"),
    },
    {
      label: "engine, in-memory",
      color: COLORS["in-memory"],
      points: pick((s) => s.tool === "engine" && s.mode === "in-memory"),
    },
    { label: "DuckDB reference SQL", color: COLORS.duckdb, points: pick((s) => s.tool === "duckdb") },
    {
      label: "engine, 4× input variants",
      color: COLORS.variants,
      markersOnly: true,
      points: summary
        .filter((s) => s.variant !== "base" && s.tool === "engine")
        .map((s) => ({ x: s.inputRows, y: measure(s) })),
    },
  ];
  return all.filter((s) => s.points.length > 0);
}

/** Rows per CPU second of each tool, drawn dotted: the work rate when other load stretches wall time. */
function cpuSeries(summary: BenchSummary[]): Series[] {
  const withCpu = summary.filter((s) => s.medianCpuSeconds !== null && s.medianCpuSeconds > 0);
  return seriesOf(withCpu, (s) => s.inputRows / (s.medianCpuSeconds as number))
    .filter((s) => !s.markersOnly)
    .map((s) => ({ ...s, label: `${s.label} (per CPU second)`, dotted: true }));
}

export function benchSvg(summary: BenchSummary[], subtitle: string): string {
  const perCpu = cpuSeries(summary);
  const throughput = [...seriesOf(summary, (s) => s.rowsPerSecond), ...perCpu];
  const memory = seriesOf(summary, (s) => s.peakRssMb);
  const note =
    perCpu.length > 0
      ? "throughput: solid = input rows per wall-clock second, dotted = input rows per CPU second (user + system, all threads)"
      : null;
  const body = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="13" fill="#555">${escapeXml(subtitle)}</text>`,
    ...legend(memory, note),
    ...panel(LEFTS[0], "Throughput (end to end)", "input rows per second", throughput, {
      value: 1_000_000,
      label: "target 1M rows/s",
    }),
    ...panel(
      LEFTS[1],
      "Peak memory of the process",
      "peak RSS (MB)",
      memory,
      {
        value: 300,
        label: "target 300 MB (streaming)",
      },
      true,
    ),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    ...body.map((line) => `  ${line}`),
    "</svg>",
    "",
  ].join("\n");
}
