/**
 * OCP-on-AWS jobs on the queue, against a real PostgreSQL (embedded, 127.0.0.1) and an in-process worker:
 * one job per AWS source / cluster writes exactly the rows of direct `ocp-on-aws` runs; a job whose input is
 * missing fails at once without retry, a job on a corrupt CUR file is retried and then fails, and neither
 * touches the rows already stored.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import type { OcpOnAwsDataset } from "../../src/aws/generate/index.js";
import type { OcpOnAwsParams } from "../../src/aws/model.js";
import { runOcpOnAwsJob } from "../../src/aws/run/ocp-on-aws-job.js";
import {
  ocpOnAwsJobsToSubmit,
  type SubmitOcpOnAwsCliOptions,
  submitOcpOnAwsOverrides,
} from "../../src/cli/commands/submit-ocp-on-aws.js";
import { loadConfig } from "../../src/config/index.js";
import {
  OCP_ON_AWS_KIND,
  type OcpOnAwsJobPayload,
  openBoss,
  type SummaryWorker,
  startSummaryWorker,
  submitSummaryJobs,
  waitForJobs,
} from "../../src/queue/index.js";
import { connect } from "../../src/sink/connection.js";
import { configFor, generateOcpOnAwsDataset, sharedSources } from "../aws/helpers.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

const DIRECT = "org_direct";
const QUEUED = "org_queued";
const POLICY = { retryLimit: 1, retryDelaySeconds: 1, timeoutSeconds: 120, heartbeatSeconds: 20 };
// the failing jobs below log errors on purpose
const logger = pino({ level: "silent" });

let server: TestPostgres;
let client: pg.Client;
let boss: PgBoss;
let worker: SummaryWorker;
let workDir: string;
let ds: OcpOnAwsDataset;

/** The run of each cluster of the dataset (the first is ds.params), the others as its shared sources. */
function clusterRuns(): OcpOnAwsParams[] {
  return ds.clusters.map((c) => ({
    ...ds.params,
    ocpSourceUuid: c.run.sourceUuid,
    clusterId: c.run.clusterId as string,
    clusterAlias: c.run.clusterAlias,
    reportPeriodId: c.run.reportPeriodId as number,
  }));
}

function jobOf(params: OcpOnAwsParams, input = ds.dir): OcpOnAwsJobPayload {
  return {
    kind: OCP_ON_AWS_KIND,
    awsSourceUuid: params.awsSourceUuid,
    ocpSourceUuid: params.ocpSourceUuid,
    year: params.year,
    month: params.month,
    startDate: params.startDate,
    endDate: params.endDate,
    clusterId: params.clusterId,
    clusterAlias: params.clusterAlias ?? undefined,
    billId: params.billId,
    reportPeriodId: params.reportPeriodId,
    markup: params.markup,
    distribution: params.distribution,
    awsEnabledTagKeys: ds.aws.enabledTagKeys,
    sharedOcpSources: sharedSources(ds, params).map((s) => `${s.sourceUuid}=${s.clusterId}`),
    input,
    orgId: ds.orgId ?? undefined,
    schema: QUEUED,
  };
}

/** Every stored row of both tables but its random uuid, sorted: what two runs must agree on. */
async function storedRows(schema: string): Promise<{ project: string[]; summary: string[] }> {
  const read = async (table: string, where = "true") => {
    const result = await client.query(`SELECT * FROM "${schema}".${table} WHERE ${where}`);
    return result.rows.map((row: Record<string, unknown>) => {
      const { uuid: _uuid, ...rest } = row;
      return JSON.stringify(rest);
    });
  };
  return {
    project: (await read("reporting_ocpawscostlineitem_project_daily_summary_p")).sort(),
    summary: (
      await read("reporting_ocpusagelineitem_daily_summary", "infrastructure_raw_cost IS NOT NULL")
    ).sort(),
  };
}

async function runJobs(jobs: OcpOnAwsJobPayload[]) {
  const submitted = await submitSummaryJobs(boss, jobs, POLICY);
  return waitForJobs(
    boss,
    submitted.map((s) => s.id as string),
    { timeoutMs: 120_000, pollMs: 250 },
  );
}

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
  workDir = mkdtempSync(join(tmpdir(), "aws-queue-"));
  ds = await generateOcpOnAwsDataset({
    scenario: "shared-disk-two-clusters",
    out: join(workDir, "ds"),
    seed: 5,
  });
  const reference = configFor(ds).reference;
  const connection = { url: server.url, schema: "pgboss_aws" };
  boss = await openBoss({ connection, supervise: false, policy: POLICY, logger, applicationName: "test" });
  worker = await startSummaryWorker({
    connection,
    settings: {
      concurrency: 1,
      metricsHost: "127.0.0.1",
      metricsPort: 0,
      pollSeconds: 1,
      maintenanceSeconds: 1,
      shutdownGraceSeconds: 1,
    },
    env: { PATH: process.env.PATH },
    baseOverrides: {
      database: { url: server.url },
      reference: {
        enabledTagKeys: reference.enabledTagKeys ?? undefined,
        costCategories: reference.costCategories ?? undefined,
        nodeRoles: reference.nodeRoles ?? undefined,
      },
    },
    logger,
  });
}, 180_000);

afterAll(async () => {
  await worker?.stop("test done");
  await boss?.stop({ graceful: false }).catch(() => {});
  await client?.end();
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("OCP-on-AWS queue jobs", () => {
  it("one job per cluster writes the rows of direct ocp-on-aws runs", async () => {
    const runs = clusterRuns();
    expect(runs.length).toBe(2);
    for (const params of runs) {
      await runOcpOnAwsJob(configFor(ds, { database: { url: server.url, schema: DIRECT } }), {
        params,
        awsEnabledKeys: ds.aws.enabledTagKeys,
        sharedOcpSources: sharedSources(ds, params),
        logger,
      });
    }
    const direct = await storedRows(DIRECT);
    expect(direct.project.length).toBeGreaterThan(0);
    expect(direct.summary.length).toBeGreaterThan(0);

    // as `submit-ocp-on-aws --jobs <file> <options>` builds them: the options give what the entries leave out
    const jobsFile = join(workDir, "jobs.yaml");
    writeFileSync(
      jobsFile,
      toYaml(
        runs.map((params) => ({
          ocpSourceUuid: params.ocpSourceUuid,
          clusterId: params.clusterId,
          clusterAlias: params.clusterAlias,
          reportPeriodId: params.reportPeriodId,
          sharedOcpSources: jobOf(params).sharedOcpSources,
        })),
      ),
    );
    const first = runs[0];
    const options: SubmitOcpOnAwsCliOptions = {
      jobs: jobsFile,
      input: ds.dir,
      sourceUuid: first.awsSourceUuid,
      year: String(first.year),
      month: String(first.month),
      startDate: first.startDate,
      endDate: first.endDate,
      billId: String(first.billId),
      markup: String(first.markup),
      distribution: first.distribution,
      awsEnabledTagKeys: ds.aws.enabledTagKeys.join(","),
      orgId: ds.orgId ?? undefined,
      schema: QUEUED,
      databaseUrl: server.url,
    };
    const jobs = ocpOnAwsJobsToSubmit(
      loadConfig({ env: {}, overrides: submitOcpOnAwsOverrides(options) }),
      options,
    );
    expect(jobs.map((job) => [job.ocpSourceUuid, job.clusterId])).toEqual(
      runs.map((params) => [params.ocpSourceUuid, params.clusterId]),
    );
    const ended = await runJobs(jobs);
    expect(ended.map((s) => s.state)).toEqual(["completed", "completed"]);
    expect(ended[0].runKey).toBe(
      `ocp-on-aws/${runs[0].awsSourceUuid}/${runs[0].ocpSourceUuid}/${runs[0].year}-${String(runs[0].month).padStart(2, "0")}`,
    );
    const output = ended[0].output as { inputRows: number; outputRows: number; phases: object };
    expect(output.inputRows).toBeGreaterThan(0);
    expect(Object.keys(output.phases).sort()).toEqual(["cur", "engine", "ocp", "write"]);
    expect(await storedRows(QUEUED)).toEqual(direct);

    // re-running both jobs replaces their rows: still the same set
    const again = await runJobs(jobs);
    expect(again.map((s) => s.state)).toEqual(["completed", "completed"]);
    expect(await storedRows(QUEUED)).toEqual(direct);
  });

  it("fails a job on missing input at once (no retry) and a job on a corrupt CUR file after its retries; stored rows stay", async () => {
    const before = await storedRows(QUEUED);
    expect(before.project.length).toBeGreaterThan(0);
    const [params] = clusterRuns();

    // a CUR file cut short mid-upload: the same input could read fine later, so it is retried
    const corrupt = join(workDir, "corrupt");
    cpSync(ds.dir, corrupt, { recursive: true });
    const mm = String(params.month).padStart(2, "0");
    const dailyDir = join(
      corrupt,
      "data/parquet/daily",
      ds.orgId ?? "org1234567",
      "AWS/raw",
      `source=${params.awsSourceUuid}`,
      `year=${params.year}`,
      `month=${mm}`,
    );
    expect(readdirSync(dailyDir).length).toBeGreaterThan(0);
    writeFileSync(join(dailyDir, "zz_cut_daily_1.parquet"), "PAR1 not a parquet file");

    const wrongSource = { ...params, awsSourceUuid: "00000000-0000-4000-8000-00000000aaaa" };
    const [missing, broken] = await runJobs([jobOf(wrongSource), jobOf(params, corrupt)]);
    expect(missing.state).toBe("failed");
    expect(missing.retryCount).toBe(0);
    expect(JSON.stringify(missing.output)).toMatch(/no AWS CUR Parquet for AWS source 00000000-/);
    expect(broken.state).toBe("failed");
    expect(broken.retryCount).toBe(1);
    expect(JSON.stringify(broken.output)).toContain("zz_cut_daily_1.parquet");
    expect(await storedRows(QUEUED)).toEqual(before);
  });
});
