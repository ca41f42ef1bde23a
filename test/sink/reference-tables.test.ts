import { readFile } from "node:fs/promises";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReferenceData } from "../../src/model.js";
import { connect } from "../../src/sink/connection.js";
import { readReferenceData, seedReferenceData } from "../../src/sink/reference-tables.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

let server: TestPostgres;
let client: pg.Client;

beforeAll(async () => {
  server = await startTestPostgres();
  client = await connect(server.url);
});
afterAll(async () => {
  await client?.end();
  await server?.stop();
});

async function sampleReference(): Promise<ReferenceData> {
  const params = JSON.parse(
    await readFile(new URL("../fixtures/koku-samples/sample-basic/params.json", import.meta.url), "utf8"),
  );
  return {
    enabledTagKeys: params.enabled_tag_keys,
    costCategories: params.cost_categories,
    nodeRoles: params.node_roles,
  };
}

describe("reference tables", () => {
  it("reports nothing found in an empty schema", async () => {
    await client.query("CREATE SCHEMA empty_ref");
    expect(await readReferenceData(client, "empty_ref")).toEqual({
      found: { enabledTagKeys: false, costCategories: false, nodeRoles: false },
    });
  });

  it("round-trips the sample's reference data through seed and read", async () => {
    const ref = await sampleReference();
    await seedReferenceData(client, "org1234567", ref);
    const read = await readReferenceData(client, "org1234567");
    expect(read.found).toEqual({ enabledTagKeys: true, costCategories: true, nodeRoles: true });
    expect(read.enabledTagKeys).toEqual([...ref.enabledTagKeys].sort());
    expect(read.costCategories).toEqual(ref.costCategories);
    expect(read.nodeRoles).toEqual(ref.nodeRoles);
  });

  it("replaces content on a second seed, keeping patterns with LIKE and backslash characters intact", async () => {
    await seedReferenceData(client, "reseed", await sampleReference());
    const second: ReferenceData = {
      enabledTagKeys: ["only"],
      costCategories: [
        { namespace: "a\\_b%", cost_category_id: 9 },
        { namespace: "x'y", cost_category_id: 1 },
      ],
      nodeRoles: [
        { node: "n1", resource_id: null, node_role: "master" },
        { node: "n1", resource_id: "r1", node_role: null },
      ],
    };
    await seedReferenceData(client, "reseed", second);
    const read = await readReferenceData(client, "reseed");
    expect(read.enabledTagKeys).toEqual(["only"]);
    expect(read.costCategories).toEqual(second.costCategories);
    expect(read.nodeRoles).toEqual(second.nodeRoles);
  });

  it("reads only enabled OCP keys from a Koku-shaped table", async () => {
    await seedReferenceData(client, "keys", { enabledTagKeys: ["app"], costCategories: [], nodeRoles: null });
    await client.query(
      `INSERT INTO keys.reporting_enabledtagkeys (key, enabled, provider_type) VALUES
         ('disabled', false, 'OCP'), ('aws_key', true, 'AWS'), ('env', true, 'OCP')`,
    );
    const read = await readReferenceData(client, "keys");
    expect(read.enabledTagKeys).toEqual(["app", "env"]);
    expect(read.costCategories).toEqual([]);
    // nodeRoles null: the nodes table is not created, so roles are derived from pod data.
    expect(read.found.nodeRoles).toBe(false);
    expect(read.nodeRoles).toBeUndefined();
  });

  it("leaves the tables unchanged when seeding fails", async () => {
    await seedReferenceData(client, "atomic", {
      enabledTagKeys: ["keep"],
      costCategories: [],
      nodeRoles: [],
    });
    const duplicatePatterns: ReferenceData = {
      enabledTagKeys: ["new"],
      costCategories: [
        { namespace: "same", cost_category_id: 1 },
        { namespace: "same", cost_category_id: 2 },
      ],
      nodeRoles: [],
    };
    await expect(seedReferenceData(client, "atomic", duplicatePatterns)).rejects.toThrow(/duplicate key/);
    expect((await readReferenceData(client, "atomic")).enabledTagKeys).toEqual(["keep"]);
  });
});
