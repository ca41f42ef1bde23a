/**
 * The bench's OCP-on-AWS line (`bench --ocp-on-aws 100k,1m`): per scale a `generate-ocp-on-aws --scale` dataset
 * (a sized cluster and the AWS bill built from it, cached beside the summary datasets), then N runs of
 * `ocp-aggregator ocp-on-aws --json` in fresh child processes writing to the bench's PostgreSQL: wall and CPU
 * seconds, the server's CPU seconds, rows/s, peak RSS and the run's phases (ocp, read, engine, write).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { OCP_ON_AWS_PARAMS_FILE } from "../aws/generate/index.js";
import { generateOcpOnAwsScale } from "../aws/generate/scale.js";
import type { OcpOnAwsParams } from "../aws/model.js";
import type { ScalePreset } from "../generate/index.js";
import { type DatasetParams, loadDatasetParams } from "../generate/params-file.js";
import { NODE_FLAGS } from "../run/node-flags.js";
import { type ChildOutcome, childFailure, parseChildJson, runChild } from "./child.js";
import type { BenchDatabase } from "./database.js";
import { BENCH_SEED, engineInputRows } from "./datasets.js";
import { type ChildScripts, cpuSecondsOf, peakRss } from "./measure.js";
import type { OcpOnAwsBenchRun, OcpOnAwsBenchSection, OcpOnAwsBenchSummary } from "./ocp-on-aws-schema.js";
import { clusterCpuSeconds, settleServer } from "./server-cpu.js";
import { median } from "./summary.js";

/** Its own schema, so its back-populate never meets the rows of the summary runs. */
export const OCP_ON_AWS_BENCH_SCHEMA = "bench_ocp_on_aws";

export interface OcpOnAwsBenchDataset {
  id: string;
  scale: ScalePreset;
  dir: string;
  params: OcpOnAwsParams;
  awsEnabledTagKeys: string[];
  ocp: DatasetParams;
  ocpInputRows: number;
  /** Seconds spent generating it in this bench; null when reused from the cache. */
  generatedSeconds: number | null;
}

/** The dataset from the cache; generated first when its ocp-on-aws.json (written last) is missing. */
export async function prepareOcpOnAwsDataset(
  scale: ScalePreset,
  cacheDir: string,
  onGenerate?: (id: string) => void,
): Promise<OcpOnAwsBenchDataset> {
  const id = `ocp-on-aws-${scale}`;
  const dir = join(resolve(cacheDir), id);
  let generatedSeconds: number | null = null;
  if (!existsSync(join(dir, OCP_ON_AWS_PARAMS_FILE))) {
    onGenerate?.(id);
    const started = performance.now();
    await generateOcpOnAwsScale({ scale, out: dir, seed: BENCH_SEED });
    generatedSeconds = (performance.now() - started) / 1000;
  }
  const written = JSON.parse(readFileSync(join(dir, OCP_ON_AWS_PARAMS_FILE), "utf8")) as {
    params: OcpOnAwsParams;
    aws: { enabledTagKeys: string[] };
  };
  const ocp = loadDatasetParams(dir);
  return {
    id,
    scale,
    dir,
    params: written.params,
    awsEnabledTagKeys: written.aws.enabledTagKeys,
    ocp,
    ocpInputRows: engineInputRows(ocp),
    generatedSeconds,
  };
}

/** The child's config: the run as `generate-ocp-on-aws` printed it, the cluster's reference data, own schema. */
export function ocpOnAwsBenchConfigYaml(dataset: OcpOnAwsBenchDataset): string {
  const p = dataset.params;
  const { reference, run } = dataset.ocp;
  const config = {
    input: dataset.dir,
    run: {
      source_uuid: p.ocpSourceUuid,
      year: p.year,
      month: p.month,
      start_date: p.startDate,
      end_date: p.endDate,
      cluster_id: p.clusterId,
      cluster_alias: p.clusterAlias,
      report_period_id: p.reportPeriodId,
      org_id: run.orgId,
    },
    ocp_on_aws: {
      aws_source_uuid: p.awsSourceUuid,
      bill_id: p.billId,
      markup: p.markup,
      distribution: p.distribution,
      aws_enabled_tag_keys: dataset.awsEnabledTagKeys,
    },
    database: { schema: OCP_ON_AWS_BENCH_SCHEMA },
    reference: {
      enabled_tag_keys: reference.enabledTagKeys,
      cost_categories: reference.costCategories,
      ...(reference.nodeRoles === null ? {} : { node_roles: reference.nodeRoles }),
    },
  };
  return `# written by ocp-aggregator bench for dataset ${dataset.id}\n${stringify(config)}`;
}

interface OcpOnAwsChildReport {
  curRows: number;
  ocpSummaryRows: number;
  projectRows: number;
  backPopulatedRows: number;
  seconds: { total: number; ocp: number; cur: number; engine: number; write: number };
}

export interface OcpOnAwsRunOptions {
  dataset: OcpOnAwsBenchDataset;
  configFile: string;
  repetition: number;
  database: BenchDatabase;
  scripts: ChildScripts;
  nodeFlags?: string[];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export async function measureOcpOnAws(options: OcpOnAwsRunOptions): Promise<OcpOnAwsBenchRun> {
  const { dataset, database } = options;
  const base = {
    dataset: dataset.id,
    scale: dataset.scale,
    repetition: options.repetition,
    startedAt: new Date().toISOString(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) as [number, number, number],
  };
  await settleServer();
  const serverBefore = clusterCpuSeconds(database.postmasterPid);
  const outcome = await runChild(
    options.scripts.cli,
    ["ocp-on-aws", "--json", "--log-level", "warn", "--config", options.configFile],
    {
      // the URL goes by environment, not argv, so its password does not show in `ps`
      env: { ...process.env, OCP_AGG_DATABASE_URL: database.url },
      nodeFlags: [...NODE_FLAGS, ...(options.nodeFlags ?? [])],
      usagePreload: options.scripts.usagePreload,
    },
  );
  await settleServer();
  const serverAfter = clusterCpuSeconds(database.postmasterPid);
  const serverCpuSeconds =
    serverBefore === null || serverAfter === null ? null : round3(serverAfter - serverBefore);
  const failed = (error: string): OcpOnAwsBenchRun => ({
    ...base,
    ...emptyFigures(dataset, outcome),
    ok: false,
    error,
    serverCpuSeconds,
  });
  if (outcome.exitCode !== 0) return failed(childFailure(outcome));
  let report: OcpOnAwsChildReport;
  try {
    report = parseChildJson<OcpOnAwsChildReport>(outcome.stdout);
  } catch (error) {
    return failed(`unreadable report: ${(error as Error).message}`);
  }
  const inputRows = dataset.ocpInputRows + report.curRows;
  const s = report.seconds;
  return {
    ...base,
    ok: true,
    error: null,
    wallSeconds: outcome.wallSeconds,
    cpuSeconds: cpuSecondsOf(outcome),
    serverCpuSeconds,
    ocpInputRows: dataset.ocpInputRows,
    curRows: report.curRows,
    inputRows,
    ocpSummaryRows: report.ocpSummaryRows,
    projectRows: report.projectRows,
    backPopulatedRows: report.backPopulatedRows,
    rowsPerSecond: Math.round(inputRows / outcome.wallSeconds),
    peakRssMb: peakRss(0, outcome),
    phases: {
      ocp: round3(s.ocp),
      read: round3(s.cur),
      engine: round3(s.engine),
      write: round3(s.write),
      total: round3(s.total),
    },
  };
}

function emptyFigures(dataset: OcpOnAwsBenchDataset, outcome: ChildOutcome) {
  return {
    wallSeconds: outcome.wallSeconds,
    cpuSeconds: cpuSecondsOf(outcome),
    ocpInputRows: dataset.ocpInputRows,
    curRows: 0,
    inputRows: dataset.ocpInputRows,
    ocpSummaryRows: 0,
    projectRows: 0,
    backPopulatedRows: 0,
    rowsPerSecond: 0,
    peakRssMb: 0,
    phases: null,
  };
}

/** Median per scale of the successful runs (failed ones stay in `runs` with their error). */
export function summarizeOcpOnAws(runs: OcpOnAwsBenchRun[]): OcpOnAwsBenchSummary[] {
  const byDataset = new Map<string, OcpOnAwsBenchRun[]>();
  for (const run of runs) {
    if (!run.ok) continue;
    byDataset.set(run.dataset, [...(byDataset.get(run.dataset) ?? []), run]);
  }
  return [...byDataset.values()].map((group) => {
    const wall = median(group.map((r) => r.wallSeconds));
    const cpu = group.map((r) => r.cpuSeconds);
    const server = group.map((r) => r.serverCpuSeconds);
    const phases = group.map((r) => r.phases).filter((p) => p !== null);
    const medianOf = (values: (number | null)[]) =>
      values.every((v): v is number => v !== null) ? round3(median(values)) : null;
    return {
      dataset: group[0].dataset,
      scale: group[0].scale,
      runs: group.length,
      inputRows: group[0].inputRows,
      curRows: group[0].curRows,
      projectRows: group[0].projectRows,
      medianWallSeconds: round3(wall),
      medianCpuSeconds: medianOf(cpu),
      medianServerCpuSeconds: medianOf(server),
      rowsPerSecond: Math.round(group[0].inputRows / wall),
      peakRssMb: Math.max(...group.map((r) => r.peakRssMb)),
      medianPhases:
        phases.length === 0
          ? null
          : {
              ocp: round3(median(phases.map((p) => p.ocp))),
              read: round3(median(phases.map((p) => p.read))),
              engine: round3(median(phases.map((p) => p.engine))),
              write: round3(median(phases.map((p) => p.write))),
              total: round3(median(phases.map((p) => p.total))),
            },
      medianLoadAverage: round3(median(group.map((r) => r.loadAverage[0]))),
    };
  });
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const fixed = (n: number | null, digits = 2) => (n === null ? "—" : n.toFixed(digits));

/** The bench.md section of the OCP-on-AWS line ("" when the bench did not run it). */
export function ocpOnAwsMarkdown(section: OcpOnAwsBenchSection | undefined): string {
  if (!section || section.runs.length === 0) return "";
  const lines = [
    "",
    "## OCP on AWS (`ocp-on-aws`, one child per run, writing to PostgreSQL)",
    "",
    "| scale | input rows (OCP + CUR) | CUR rows | project rows | median wall s | CPU s | server CPU s | rows/s | peak RSS MB | phases (median s) | load |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const s of section.summary) {
    const p = s.medianPhases;
    const phases = p
      ? `ocp ${p.ocp.toFixed(2)} · read ${p.read.toFixed(2)} · engine ${p.engine.toFixed(2)} · write ${p.write.toFixed(2)}`
      : "—";
    lines.push(
      `| ${s.scale} | ${int(s.inputRows)} | ${int(s.curRows)} | ${int(s.projectRows)} | ${s.medianWallSeconds.toFixed(2)} | ${fixed(s.medianCpuSeconds)} | ${fixed(s.medianServerCpuSeconds)} | ${int(s.rowsPerSecond)} | ${s.peakRssMb} | ${phases} | ${s.medianLoadAverage.toFixed(1)} |`,
    );
  }
  for (const run of section.runs.filter((r) => !r.ok)) {
    lines.push("", `- ${run.dataset} #${run.repetition} failed: ${run.error}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The line as run-bench.ts drives it: datasets first (before the database starts), then the runs after the
 * summary runs, each reported through `onRun` so bench.json is rewritten after every run.
 */
export class OcpOnAwsBenchLine {
  private readonly datasets: OcpOnAwsBenchDataset[] = [];
  readonly runs: OcpOnAwsBenchRun[] = [];

  constructor(
    private readonly scales: readonly ScalePreset[],
    private readonly cacheDir: string,
  ) {}

  get taskCount(): number {
    return this.scales.length;
  }

  async prepare(note: (message: string) => void): Promise<void> {
    for (const scale of this.scales) {
      const dataset = await prepareOcpOnAwsDataset(scale, this.cacheDir, (id) =>
        note(`generating dataset ${id} into ${this.cacheDir} (cached for later runs)`),
      );
      const origin =
        dataset.generatedSeconds === null
          ? "cached"
          : `generated in ${dataset.generatedSeconds.toFixed(0)} s`;
      note(`dataset ${dataset.id}: ${int(dataset.ocpInputRows)} OCP input rows + its AWS bill (${origin})`);
      this.datasets.push(dataset);
    }
  }

  async measure(options: {
    runs: number;
    configDir: string;
    database: BenchDatabase;
    scripts: ChildScripts;
    nodeFlags?: string[];
    stopped: () => boolean;
    begin: (label: string) => void;
    onRun: (run: OcpOnAwsBenchRun) => void;
  }): Promise<void> {
    for (const dataset of this.datasets) {
      const configFile = join(options.configDir, `${dataset.id}.yaml`);
      writeFileSync(configFile, ocpOnAwsBenchConfigYaml(dataset));
      for (let repetition = 1; repetition <= options.runs && !options.stopped(); repetition++) {
        options.begin(`${dataset.id} #${repetition}`);
        const run = await measureOcpOnAws({ ...options, dataset, configFile, repetition });
        this.runs.push(run);
        options.onRun(run);
      }
    }
  }

  /** The bench.json section; undefined when the line was not asked for. */
  section(): OcpOnAwsBenchSection | undefined {
    if (this.scales.length === 0) return undefined;
    return { scales: [...this.scales], runs: this.runs, summary: summarizeOcpOnAws(this.runs) };
  }
}

export const describeOcpOnAwsRun = (run: OcpOnAwsBenchRun) =>
  run.ok
    ? `${run.wallSeconds.toFixed(2)} s, ${int(run.rowsPerSecond)} rows/s, ${run.projectRows} project rows, ${run.peakRssMb} MB peak`
    : `FAILED (${run.error})`;
