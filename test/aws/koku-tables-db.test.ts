/**
 * Koku's tenant tables an OCP-on-AWS run reads when they exist, against a real PostgreSQL:
 * - matched tags (spec §3): the tag-summary tables first, the discovery over the range only when they give nothing;
 * - markup and distribution from the cost-model tables (cost_model, cost_model_map): given > cost model > default;
 * - the OCP summary rows from the summary's Parquet copy (Koku's Hive table) under the input root, when there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcpOnAwsDataset } from "../../src/aws/generate/index.js";
import { summaryCopyTable } from "../../src/aws/parquet/ocp-summary-copy.js";
import { compareRowSets } from "../../src/aws/reference/compare-project.js";
import { runOcpOnAwsJob } from "../../src/aws/run/ocp-on-aws-job.js";
import { CostModelError, readCostModelSettings } from "../../src/aws/sink/cost-model-tables.js";
import { readStoredTagMatches } from "../../src/aws/sink/tag-summary-tables.js";
import { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
import { runAggregateJob } from "../../src/run/job.js";
import { connect } from "../../src/sink/connection.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import {
  configFor,
  engineRows,
  generateOcpOnAwsDataset,
  quietLogger,
  referenceRows,
  sharedSources,
} from "./helpers.js";
import {
  createCostModelTables,
  createTagSummaryTables,
  fillCostModelTables,
  fillTagSummaryTables,
} from "./koku-tables.js";

let server: TestPostgres;
let client: pg.Client;
let workDir: string;
let runner: ReferenceRunner;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
  workDir = mkdtempSync(join(tmpdir(), "aws-koku-tables-"));
  runner = await ReferenceRunner.create();
}, 120_000);
afterAll(async () => {
  runner?.close();
  await client?.end();
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const asRecords = (rows: unknown[]) => rows as Record<string, unknown>[];

describe("matched tags from Koku's tag-summary tables", () => {
  it("reads them as Koku's SQL does: no enabled flag, keys and values compared lower-cased, AWS spelling kept", async () => {
    const schema = "tags_unit";
    expect(await readStoredTagMatches(client, schema), "no tables: no lookup").toBeNull();
    await createTagSummaryTables(client, schema);
    await fillTagSummaryTables(client, schema, {
      enabled: [
        { key: "app", provider: "AWS", enabled: true },
        { key: "app", provider: "OCP", enabled: true },
        // Koku's statement does not look at `enabled`: a disabled pair of rows still matches.
        { key: "tier", provider: "AWS", enabled: false },
        { key: "tier", provider: "OCP", enabled: false },
        { key: "Env", provider: "AWS", enabled: true },
        { key: "env", provider: "OCP", enabled: true },
        // OCP only: its AWS values need an AWS row of the enabled-keys table.
        { key: "owner", provider: "OCP", enabled: true },
        { key: "site", provider: "AWS", enabled: true },
        { key: "site", provider: "OCP", enabled: true },
      ],
      // `site` is missing from reporting_awstags_summary: not a matched key.
      awsKeys: ["app", "tier", "Env", "owner"],
      awsValues: [
        ["app", "Legacy"],
        ["app", "web"],
        ["tier", "gold"],
        ["Env", "Prod"],
        ["owner", "alice"],
        ["site", "x"],
      ],
      ocpValues: [
        ["app", "legacy"],
        ["app", "LEGACY"],
        ["tier", "gold"],
        ["env", "prod"],
        ["owner", "alice"],
        ["site", "x"],
      ],
    });
    const found = await readStoredTagMatches(client, schema);
    expect(found?.tags).toEqual(['"Env": "Prod"', '"app": "Legacy"', '"tier": "gold"']);
  });

  describe("in a run", () => {
    const schema = "tags_run";
    let ds: OcpOnAwsDataset;
    beforeAll(async () => {
      // RDS tagged app=web and S3 tagged tier=gold / app=BATCH next to pods labelled app: web|batch.
      ds = await generateOcpOnAwsDataset({
        scenario: "generic-label-matching",
        out: join(workDir, "generic"),
        seed: 5,
      });
      await createTagSummaryTables(client, schema);
    }, 120_000);

    const enabled = ["app", "tier"].flatMap((key) =>
      (["AWS", "OCP"] as const).map((provider) => ({ key, provider, enabled: true })),
    );
    const runWithTables = () =>
      runOcpOnAwsJob(configFor(ds, { database: { url: server.url, schema } }), {
        params: ds.params,
        awsEnabledKeys: null,
        accountAliases: ds.aws.accountAliases,
        sharedOcpSources: sharedSources(ds, ds.params),
        logger: quietLogger(),
        dryRun: true,
      });

    it("uses the tables' pairs, not the range's, when they give some: rows as Koku's SQL makes them", {
      timeout: 120_000,
    }, async () => {
      // The tables know app=legacy (a value from earlier months) and tier=gold, not this range's app=web.
      await fillTagSummaryTables(client, schema, {
        enabled,
        awsKeys: ["app", "tier"],
        awsValues: [
          ["app", "legacy"],
          ["tier", "gold"],
        ],
        ocpValues: [
          ["app", "legacy"],
          ["tier", "gold"],
        ],
      });
      const report = await runWithTables();
      expect(report.matchedTagsSources).toEqual(["tag summary tables"]);
      expect(report.matchedTags).toEqual(['"app": "legacy"', '"tier": "gold"']);

      const koku = await referenceRows(ds, runner, ds.params, {
        storedMatchedTags: report.storedMatchedTags ?? [],
      });
      const same = compareRowSets(asRecords(report.rows ?? []), asRecords(koku.rows));
      expect(same.equal, same.report).toBe(true);

      // The discovery alone (no tables) finds app=web and attributes the RDS instance: a different result.
      const discovered = await engineRows(ds);
      expect(compareRowSets(asRecords(report.rows ?? []), asRecords(discovered)).equal).toBe(false);
      const rds = (rows: { resource_id: string | null }[]) =>
        rows.filter((r) => r.resource_id?.includes(":db:web")).length;
      expect(rds(discovered)).toBeGreaterThan(0);
      expect(rds(report.rows ?? [])).toBe(0);
    });

    it("falls back to the discovery over the range when the tables give nothing", {
      timeout: 120_000,
    }, async () => {
      await fillTagSummaryTables(client, schema, { enabled, awsKeys: ["app"], awsValues: [], ocpValues: [] });
      const report = await runWithTables();
      expect(report.storedMatchedTags).toEqual([]);
      expect(report.matchedTagsSources).toEqual(["discovery"]);
      const same = compareRowSets(asRecords(report.rows ?? []), asRecords(await engineRows(ds)));
      expect(same.equal, same.report).toBe(true);
    });
  });
});

describe("markup and distribution from Koku's cost-model tables", () => {
  const AWS = "0b1e2a4c-0000-4000-8000-00000000a115";
  const OCP = "0b1e2a4c-0000-4000-8000-00000000dc01";
  const model = (n: number) => `0b1e2a4c-0000-4000-8000-0000000000${String(n).padStart(2, "0")}`;

  it("reads the source's first mapped model by name: markup value / 100, distribution_info.distribution_type", async () => {
    const schema = "cost_unit";
    const sources = { awsSourceUuid: AWS, ocpSourceUuid: OCP };
    expect(await readCostModelSettings(client, schema, sources), "no tables: nothing read").toBeNull();
    await createCostModelTables(client, schema);
    await fillCostModelTables(client, schema, [
      // Two models mapped to the AWS source: Koku's .first() takes the first by name.
      {
        uuid: model(1),
        name: "b-aws",
        sourceType: "AWS",
        markup: { value: "12.5", unit: "percent" },
        providers: [AWS],
      },
      // Koku's API stores the value as decimal text; a negative percent is a discount.
      {
        uuid: model(2),
        name: "a-aws",
        sourceType: "AWS",
        markup: { value: "-7.5000000000", unit: "percent" },
        providers: [AWS],
      },
      {
        uuid: model(3),
        name: "ocp",
        sourceType: "OCP",
        distributionInfo: { distribution_type: "memory", platform_cost: true },
        providers: [OCP],
      },
    ]);
    const found = await readCostModelSettings(client, schema, sources);
    expect(found?.markup).toEqual({ value: -0.075, costModel: { uuid: model(2), name: "a-aws" } });
    expect(found?.distribution).toEqual({ value: "memory", costModel: { uuid: model(3), name: "ocp" } });

    // A model without markup / distribution_type: Koku's defaults 0 and cpu; an unmapped source: null.
    await fillCostModelTables(client, schema, [
      { uuid: model(4), name: "plain", sourceType: "OCP", providers: [AWS, OCP] },
    ]);
    expect(await readCostModelSettings(client, schema, sources)).toEqual({
      markup: { value: 0, costModel: { uuid: model(4), name: "plain" } },
      distribution: { value: "cpu", costModel: { uuid: model(4), name: "plain" } },
    });
    expect(
      await readCostModelSettings(client, schema, {
        awsSourceUuid: OCP.replace("dc01", "ffff"),
        ocpSourceUuid: "not-a-uuid",
      }),
    ).toEqual({
      markup: null,
      distribution: null,
    });

    // Values Koku could not use are refused with the table, model and field named.
    await fillCostModelTables(client, schema, [
      {
        uuid: model(5),
        name: "bad",
        sourceType: "AWS",
        markup: { value: "ten" },
        distributionInfo: { distribution_type: "gpu" },
        providers: [AWS, OCP],
      },
    ]);
    const error = await readCostModelSettings(client, schema, sources).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CostModelError);
    expect(String(error)).toMatch(/cost_unit\.cost_model 0b1e2a4c-\S+ \("bad"\), markup: .*"ten"/);
  });

  describe("in a run", () => {
    const schema = "cost_run";
    let ds: OcpOnAwsDataset;
    beforeAll(async () => {
      // EC2 instances split by effective usage (cpu and memory differ), savings plan, RI, tax: markup on every cost.
      ds = await generateOcpOnAwsDataset({
        scenario: "cost-types",
        out: join(workDir, "cost-types"),
        seed: 4,
      });
      await createCostModelTables(client, schema);
      await fillCostModelTables(client, schema, [
        {
          uuid: model(6),
          name: "aws markup",
          sourceType: "AWS",
          markup: { value: "25.0000000000", unit: "percent" },
          providers: [ds.params.awsSourceUuid],
        },
        {
          uuid: model(7),
          name: "ocp memory",
          sourceType: "OCP",
          distributionInfo: { distribution_type: "memory" },
          providers: [ds.params.ocpSourceUuid],
        },
      ]);
    }, 120_000);

    const run = (markup: number | null, distribution: "cpu" | "memory" | null, runSchema = schema) =>
      runOcpOnAwsJob(configFor(ds, { database: { url: server.url, schema: runSchema } }), {
        params: { ...ds.params, markup, distribution },
        awsEnabledKeys: ds.aws.enabledTagKeys,
        accountAliases: ds.aws.accountAliases,
        sharedOcpSources: sharedSources(ds, ds.params),
        logger: quietLogger(),
        dryRun: true,
      });

    it("takes both from the cost models when not given: rows as Koku's SQL makes them with those values", {
      timeout: 120_000,
    }, async () => {
      const report = await run(null, null);
      expect(report.params.markup).toBe(0.25);
      expect(report.params.distribution).toBe("memory");
      expect(report.costSettings.markup.from).toMatch(/cost model .* \("aws markup"\) of the AWS source/);
      expect(report.costSettings.distribution.from).toMatch(
        /cost model .* \("ocp memory"\) of the OCP source/,
      );
      const koku = await referenceRows(ds, runner, { ...ds.params, markup: 0.25, distribution: "memory" });
      const same = compareRowSets(asRecords(report.rows ?? []), asRecords(koku.rows));
      expect(same.equal, same.report).toBe(true);
      // Not what the defaults give.
      const defaults = await engineRows(ds, { ...ds.params, markup: 0, distribution: "cpu" });
      expect(compareRowSets(asRecords(report.rows ?? []), asRecords(defaults)).equal).toBe(false);
    });

    it("a given value wins over the cost model, each setting on its own", { timeout: 120_000 }, async () => {
      const report = await run(0.1, null);
      expect(report.costSettings.markup).toEqual({
        value: 0.1,
        from: "given (option, environment or config file)",
      });
      expect(report.costSettings.distribution.value).toBe("memory");
      const same = compareRowSets(
        asRecords(report.rows ?? []),
        asRecords(await engineRows(ds, { ...ds.params, markup: 0.1, distribution: "memory" })),
      );
      expect(same.equal, same.report).toBe(true);
    });

    it("no tables: Koku's defaults, 0 and cpu, and the report says why", { timeout: 120_000 }, async () => {
      const report = await run(null, null, "cost_none");
      expect(report.params.markup).toBe(0);
      expect(report.params.distribution).toBe("cpu");
      expect(report.costSettings.markup.from).toMatch(/^default \(schema cost_none has no cost_model/);
    });
  });
});

describe("the OCP summary rows from the summary's Parquet copy", () => {
  it("reads Koku's Hive copy under the input root when there: the same project rows as computing them", {
    timeout: 180_000,
  }, async () => {
    // Two clusters sharing a CSI disk: both clusters' rows are read (PV totals and cluster counts).
    const ds = await generateOcpOnAwsDataset({
      scenario: "shared-disk-two-clusters",
      out: join(workDir, "copy"),
      seed: 6,
    });
    const computed = await runOcpOnAwsJob(configFor(ds), {
      params: ds.params,
      awsEnabledKeys: ds.aws.enabledTagKeys,
      accountAliases: ds.aws.accountAliases,
      sharedOcpSources: sharedSources(ds, ds.params),
      logger: quietLogger(),
      dryRun: true,
    });
    expect(Object.values(computed.ocpSummaryFrom)).toEqual([
      "computed from the OCP Parquet",
      "computed from the OCP Parquet",
    ]);

    // `aggregate --summary-parquet` into the table's folder under the input root, for each cluster.
    const schema = ds.orgId ?? "public";
    for (const cluster of ds.clusters) {
      await runAggregateJob(
        configFor(ds, {
          database: { url: server.url, schema },
          run: {
            sourceUuid: cluster.run.sourceUuid,
            year: String(cluster.run.year),
            month: String(cluster.run.month),
            startDate: cluster.run.startDate,
            endDate: cluster.run.endDate,
            clusterId: cluster.run.clusterId ?? undefined,
            clusterAlias: cluster.run.clusterAlias ?? undefined,
            reportPeriodId: String(cluster.run.reportPeriodId),
            orgId: cluster.run.orgId ?? undefined,
            summaryParquet: join(ds.dir, ...summaryCopyTable(schema).split("/")),
          },
        }),
        { logger: quietLogger() },
      );
    }
    const fromCopy = await runOcpOnAwsJob(configFor(ds), {
      params: ds.params,
      awsEnabledKeys: ds.aws.enabledTagKeys,
      accountAliases: ds.aws.accountAliases,
      sharedOcpSources: sharedSources(ds, ds.params),
      logger: quietLogger(),
      dryRun: true,
    });
    for (const from of Object.values(fromCopy.ocpSummaryFrom))
      expect(from).toMatch(
        /^Parquet copy data\/.*\.db\/reporting_ocpusagelineitem_daily_summary \([1-9]\d* files in range\)$/,
      );
    expect(Object.keys(fromCopy.ocpSummaryFrom)).toHaveLength(2);
    expect(fromCopy.ocpSummaryRows).toBe(computed.ocpSummaryRows);
    expect(fromCopy.projectRows).toBeGreaterThan(0);
    const same = compareRowSets(asRecords(fromCopy.rows ?? []), asRecords(computed.rows ?? []));
    expect(same.equal, same.report).toBe(true);
  });
});
