/**
 * Koku's tenant tables an OCP-on-AWS run reads when they exist, against a real PostgreSQL:
 * - matched tags (spec §3): the tag-summary tables first, the discovery over the range only when they give nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcpOnAwsDataset } from "../../src/aws/generate/index.js";
import { compareRowSets } from "../../src/aws/reference/compare-project.js";
import { runOcpOnAwsJob } from "../../src/aws/run/ocp-on-aws-job.js";
import { readStoredTagMatches } from "../../src/aws/sink/tag-summary-tables.js";
import { ReferenceRunner } from "../../src/reference/duckdb-reference.js";
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
import { createTagSummaryTables, fillTagSummaryTables } from "./koku-tables.js";

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
