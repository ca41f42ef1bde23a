/**
 * OCP-on-AWS job payloads: validation naming bad fields, the keys (lock shared with the cluster's summary jobs,
 * de-duplication per AWS source / cluster / day range), the config a worker runs them with, and the
 * `submit-ocp-on-aws` command's jobs (options, jobs file, the ocp-on-aws command's option set).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { resolveOcpOnAwsParams } from "../../src/aws/run/ocp-on-aws-params.js";
import { registerOcpOnAwsCommand } from "../../src/cli/commands/ocp-on-aws.js";
import {
  ocpOnAwsJobsToSubmit,
  registerSubmitOcpOnAwsCommand,
  submitOcpOnAwsOverrides,
} from "../../src/cli/commands/submit-ocp-on-aws.js";
import { loadConfig } from "../../src/config/index.js";
import {
  mergeOverrides,
  parseQueuedJobPayload,
  queuedDedupeKey,
  queuedLockKey,
  queuedOverrides,
  queuedRunKey,
} from "../../src/queue/index.js";

const AWS = "11111111-2222-4333-8444-555555555555";
const OCP = "6e1ad9b0-3b2a-4b8e-9a0f-1d2c3b4a5e6f";
const OTHER = "7e1ad9b0-3b2a-4b8e-9a0f-1d2c3b4a5e6f";
const BASE = {
  kind: "ocp-on-aws",
  awsSourceUuid: AWS,
  ocpSourceUuid: OCP,
  year: 2025,
  month: 10,
  clusterId: "cluster-a",
  billId: 3,
  reportPeriodId: 9,
};
const dir = mkdtempSync(join(tmpdir(), "ocp-agg-aws-payload-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("OCP-on-AWS job payload", () => {
  it("is told apart by its kind and names each bad field", () => {
    const job = parseQueuedJobPayload({ ...BASE, startDate: "2025-10-06", endDate: "2025-10-10" });
    expect(job).toMatchObject({ kind: "ocp-on-aws", awsSourceUuid: AWS, startDate: "2025-10-06" });
    // no kind: a summary job as before
    expect(parseQueuedJobPayload({ sourceUuid: OCP, year: 2025, month: 10 })).not.toHaveProperty("kind");
    expect(() => parseQueuedJobPayload({ ...BASE, kind: "ocp-on-gcp" })).toThrow(
      /kind: expected "ocp-on-aws"/,
    );
    expect(() => parseQueuedJobPayload({ ...BASE, awsSourceUuid: "aws-1" })).toThrow(
      /awsSourceUuid: expected the AWS source uuid/,
    );
    const { billId: _billId, ...withoutBill } = BASE;
    expect(() => parseQueuedJobPayload(withoutBill)).toThrow(/invalid ocp-on-aws job: billId/);
    expect(() => parseQueuedJobPayload({ ...BASE, startDate: "2025-11-01" })).toThrow(
      /startDate: must lie in 2025-10/,
    );
    expect(() => parseQueuedJobPayload({ ...BASE, distribution: "gpu" })).toThrow(/distribution/);
    expect(() => parseQueuedJobPayload({ ...BASE, sharedOcpSources: ["no-cluster"] })).toThrow(
      /sharedOcpSources.0: expected UUID=CLUSTER_ID/,
    );
    // a summary job's field on an OCP-on-AWS job is a typo, not ignored
    expect(() => parseQueuedJobPayload({ ...BASE, sourceUuid: OCP })).toThrow(/sourceUuid|unrecognized/i);
  });

  it("locks on the cluster's source/month (as its summary jobs) and de-duplicates per AWS source, cluster and days", () => {
    const month = parseQueuedJobPayload(BASE);
    const days = parseQueuedJobPayload({ ...BASE, startDate: "2025-10-01", endDate: "2025-10-05" });
    const otherAws = parseQueuedJobPayload({ ...BASE, awsSourceUuid: OTHER.replace("7", "8") });
    const summary = parseQueuedJobPayload({ sourceUuid: OCP, year: 2025, month: 10 });
    expect(queuedLockKey(month)).toBe(queuedLockKey(summary));
    expect(queuedRunKey(month)).toBe(`ocp-on-aws/${AWS}/${OCP}/2025-10`);
    expect(queuedDedupeKey(month)).toBe(`ocp-on-aws/${AWS}/${OCP}/2025-10/first..last`);
    expect(queuedDedupeKey(days)).not.toBe(queuedDedupeKey(month));
    expect(queuedDedupeKey(otherAws)).not.toBe(queuedDedupeKey(month));
    expect(queuedDedupeKey(month)).not.toBe(queuedDedupeKey(summary));
  });

  it("becomes the run parameters of the ocp-on-aws command on top of the worker's config", () => {
    const job = parseQueuedJobPayload({
      ...BASE,
      endDate: "2025-10-05",
      clusterAlias: "Alpha",
      markup: 0.1,
      distribution: "memory",
      awsEnabledTagKeys: ["app"],
      sharedOcpSources: [`${OTHER}=cluster-b:Beta`],
      input: "/data/koku",
    });
    const config = loadConfig({
      env: {},
      overrides: mergeOverrides(
        { input: "/other", database: { url: "postgres://u@h/db", schema: "kept" } },
        queuedOverrides(job),
      ),
    });
    expect(config.input).toBe("/data/koku");
    expect(config.database.schema).toBe("kept");
    expect(config.ocpOnAws.awsEnabledTagKeys).toEqual(["app"]);
    expect(config.ocpOnAws.sharedOcpSources).toEqual([`${OTHER}=cluster-b:Beta`]);
    expect(resolveOcpOnAwsParams(config)).toEqual({
      awsSourceUuid: AWS,
      ocpSourceUuid: OCP,
      year: 2025,
      month: 10,
      startDate: "2025-10-01",
      endDate: "2025-10-05",
      clusterId: "cluster-a",
      clusterAlias: "Alpha",
      billId: 3,
      reportPeriodId: 9,
      markup: 0.1,
      distribution: "memory",
    });
  });

  it("a job without markup / distribution leaves them to Koku's cost model, whatever the worker's env says", () => {
    const config = loadConfig({
      env: { OCP_AGG_AWS_MARKUP: "0.3", OCP_AGG_AWS_DISTRIBUTION: "memory" },
      overrides: queuedOverrides(parseQueuedJobPayload(BASE)),
    });
    const params = resolveOcpOnAwsParams(config);
    expect([params.markup, params.distribution]).toEqual([null, null]);
  });
});

describe("submit-ocp-on-aws", () => {
  const options = {
    sourceUuid: AWS,
    ocpSourceUuid: OCP,
    year: "2025",
    month: "10",
    clusterId: "cluster-a",
    billId: "3",
    reportPeriodId: "9",
    markup: "0.05",
    input: "/data/koku",
    databaseUrl: "postgres://u@h/db",
  };
  const jobsFrom = (o: typeof options & { jobs?: string }) =>
    ocpOnAwsJobsToSubmit(loadConfig({ env: {}, overrides: submitOcpOnAwsOverrides(o) }), o);

  it("makes one job from the ocp-on-aws options (--source-uuid is the AWS source there too)", () => {
    expect(jobsFrom(options)).toEqual([
      {
        ...BASE,
        markup: 0.05,
        // not given: the worker's run takes it from Koku's cost model, else cpu (A10)
        input: "/data/koku",
      },
    ]);
  });

  it("makes one job per jobs-file entry, the options filling what the entries leave out", () => {
    const file = join(dir, "jobs.yaml");
    writeFileSync(
      file,
      [
        `- { ocpSourceUuid: ${OCP}, clusterId: cluster-a, reportPeriodId: 9 }`,
        `- { ocpSourceUuid: ${OTHER}, clusterId: cluster-b, reportPeriodId: 10, startDate: 2025-10-06 }`,
      ].join("\n"),
    );
    const jobs = jobsFrom({ ...options, jobs: file });
    expect(jobs.map((job) => [job.ocpSourceUuid, job.clusterId, job.reportPeriodId, job.startDate])).toEqual([
      [OCP, "cluster-a", 9, undefined],
      [OTHER, "cluster-b", 10, "2025-10-06"],
    ]);
    expect(new Set(jobs.map((job) => job.awsSourceUuid))).toEqual(new Set([AWS]));
    writeFileSync(file, `- { ocpSourceUuid: ${OTHER}, clusterId: cluster-b, reportPeriodId: -1 }\n`);
    expect(() => jobsFrom({ ...options, jobs: file })).toThrow(/reportPeriodId/);
  });

  it("offers the ocp-on-aws command's run options (not --data-dir) plus the queue's and the job policy's", () => {
    const program = new Command();
    registerOcpOnAwsCommand(program);
    registerSubmitOcpOnAwsCommand(program);
    const optionsOf = (name: string) =>
      new Set(program.commands.find((c) => c.name() === name)?.options.map((o) => o.long));
    const run = optionsOf("ocp-on-aws");
    const submit = optionsOf("submit-ocp-on-aws");
    for (const option of run) {
      if (["--dry-run", "--verify", "--json"].includes(option as string)) continue;
      // The queue and the jobs' output are in a shared PostgreSQL, never the embedded one.
      expect(submit.has(option), option).toBe(option !== "--data-dir");
    }
    expect(run.has("--data-dir")).toBe(true);
    for (const option of ["--queue-url", "--retry-limit", "--jobs", "--wait"]) {
      expect(submit.has(option), option).toBe(true);
    }
  });
});
