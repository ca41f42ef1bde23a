/**
 * Hostile text through the whole job (issue 8): label keys and values with quotes, backslashes, COPY escape
 * look-alikes, control characters, Unicode, 100 KB strings and SQL; namespaces with `%`, `_`, quotes and
 * backslashes against cost-category LIKE patterns; a hostile cluster alias and schema name. Everything is
 * stored and read back intact, rows equal the DuckDB reference in both flavors, and no SQL text the job
 * sends ever contains input text.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetParams } from "../../src/generate/params-file.js";
import type { KokuSqlFlavor } from "../../src/model.js";
import { runAggregateJob } from "../../src/run/job.js";
import { compareRowSets } from "../../src/verify/compare.js";
import { readSummaryRows } from "../helpers/summary-db.js";
import {
  closeReference,
  type Harness,
  jobConfig,
  quietLogger,
  referenceRows,
  snapshotRows,
  startHarness,
} from "./support/harness.js";
import { type MiniDataset, writeMiniDataset } from "./support/mini-dataset.js";

/** Marks every hostile text, so the SQL the job sends can be searched for it. */
const TOKEN = "ZQX";
const VALUES = {
  quotes: `it's "quoted" ${TOKEN}`,
  backslashes: `C:\\dir\\${TOKEN}\\ \\N \\. \\\\. end\\`,
  copyMarkers: `\\.\n\\N\t${TOKEN}`,
  controls: `line1\nline2\tcol\r${TOKEN}\u0001\u001f\u007f`,
  unicode: `Ünïcødé ${TOKEN} 日本語 🚀 שלום e\u0301 \u200b\u2028\u2029`,
  long: `${TOKEN}${"x".repeat(100_000)}`,
  sql: `'); DROP TABLE reporting_ocpusagelineitem_daily_summary; -- ${TOKEN}`,
  json: `{"nested": "${TOKEN}"} [1,2] null`,
  dollar: `$1 $$ ${TOKEN} $fn$ %s %%`,
  empty: "",
};
const KEYS = {
  quoted: `k'"\\\n\t${TOKEN}🚀`,
  sql: `"); DELETE FROM pg_class; --${TOKEN}`,
  long: `${TOKEN}${"k".repeat(10_000)}`,
  like: `%_${TOKEN}_%`,
};
const NAMESPACES = [
  "ns%pct",
  "ns_und",
  "nsXund",
  `ns'q"uote${TOKEN}`,
  `ns\\back\\slash${TOKEN}`,
  "ns-日本",
  `ns\ttab\n${TOKEN}`,
];
const CLUSTER_ALIAS = `alias\t"${TOKEN}"\n\\N it's`;

function dataset(): MiniDataset {
  const valueList = Object.values(VALUES);
  return {
    sourceUuid: "0d4c4ab1-7b3f-4c55-9a57-9e5d8f0c1e21",
    orgId: "org_hostile",
    clusterId: `cluster ${TOKEN} '\\'`,
    clusterAlias: CLUSTER_ALIAS,
    day: "2025-11-03",
    hours: 2,
    pods: NAMESPACES.map((namespace, i) => ({
      pod: `pod-${i}-${TOKEN}"'`,
      namespace,
      node: i % 2 === 0 ? `node "α" ${TOKEN}` : "node-b",
      labels: {
        app: valueList[i % valueList.length],
        [KEYS.quoted]: valueList[(i + 1) % valueList.length],
        [KEYS.sql]: valueList[(i + 2) % valueList.length],
        [KEYS.long]: valueList[(i + 3) % valueList.length],
        [KEYS.like]: VALUES.long,
        not_enabled: VALUES.sql,
      },
    })),
    claims: NAMESPACES.slice(0, 3).map((namespace, i) => ({
      namespace,
      pod: `pod-${i}-${TOKEN}"'`,
      claim: `claim ${TOKEN} \\N`,
      volume: `pv-${i}'${TOKEN}`,
      storageClass: `gp3 "${TOKEN}"`,
      volumeLabels: { [KEYS.quoted]: VALUES.copyMarkers, storage: VALUES.unicode },
      claimLabels: { [KEYS.sql]: VALUES.controls },
    })),
    nodeLabels: {
      [`node "α" ${TOKEN}`]: { env: VALUES.backslashes, [KEYS.like]: VALUES.dollar },
      "node-b": { env: VALUES.json },
    },
    namespaceLabels: Object.fromEntries(NAMESPACES.map((ns) => [ns, { team: `${ns} ${VALUES.quotes}` }])),
    reference: {
      enabledTagKeys: ["app", "env", "team", "storage", KEYS.quoted, KEYS.sql, KEYS.long, KEYS.like],
      costCategories: [
        { namespace: "ns\\_%", cost_category_id: 1 }, // trino: a literal backslash; onprem: an escaped "_"
        { namespace: "ns_und", cost_category_id: 2 }, // "_" matches any one character: nsXund too
        { namespace: "%'q%", cost_category_id: 3 },
        { namespace: "ns%pct", cost_category_id: 4 },
        { namespace: "%日本", cost_category_id: 5 },
      ],
      nodeRoles: [{ node: `node "α" ${TOKEN}`, resource_id: "i-12", node_role: "worker" }],
    },
  };
}

let harness: Harness;
let dir: string;
let params: DatasetParams;

beforeAll(async () => {
  harness = await startHarness();
  dir = mkdtempSync(join(tmpdir(), "ocp-agg-hostile-"));
  params = writeMiniDataset(dir, dataset());
});
afterAll(async () => {
  closeReference();
  rmSync(dir, { recursive: true, force: true });
  await harness?.stop();
});

/** Records the SQL text of every query any pg.Client sends while `body` runs. */
async function recordingSql<T>(body: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    sql.push(typeof first === "string" ? first : (first?.text ?? ""));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { result: await body(), sql };
  } finally {
    pg.Client.prototype.query = original;
  }
}

function labelEntries(
  rows: Record<string, unknown>[],
  column: string,
): { keys: Set<string>; values: Set<string> } {
  const keys = new Set<string>();
  const values = new Set<string>();
  for (const row of rows) {
    const text = row[column];
    if (typeof text !== "string") continue;
    for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, string>)) {
      keys.add(k);
      values.add(v);
    }
  }
  return { keys, values };
}

describe("hostile text", () => {
  for (const flavor of ["trino", "onprem"] as KokuSqlFlavor[]) {
    it(`is stored intact and equals the reference (${flavor}); no SQL carries input text`, async () => {
      const schema = `org_hostile_${flavor}`;
      const run = { ...params, run: { ...params.run, kokuSql: flavor } };
      const { sql } = await recordingSql(() =>
        runAggregateJob(jobConfig(dir, run, { url: harness.db.url, schema }), { logger: quietLogger }),
      );
      expect(sql.length).toBeGreaterThan(3);
      expect(sql.some((text) => /^\s*COPY/i.test(text))).toBe(true);
      for (const text of sql) expect(text).not.toContain(TOKEN);

      const stored = await readSummaryRows(harness.admin, schema, params.run.sourceUuid);
      const expected = await referenceRows(dir, run);
      const comparison = compareRowSets(stored, expected as never);
      expect(comparison.equal, comparison.report).toBe(true);

      // Independently of the reference: every enabled hostile key and value came back byte for byte.
      const pod = labelEntries(
        stored.filter((r) => r.data_source === "Pod"),
        "pod_labels",
      );
      for (const key of Object.values(KEYS)) expect(pod.keys).toContain(key);
      for (const value of Object.values(VALUES)) expect(pod.values).toContain(value);
      expect(pod.keys).not.toContain("not_enabled");
      const volume = labelEntries(
        stored.filter((r) => r.data_source === "Storage"),
        "volume_labels",
      );
      expect(volume.values).toContain(VALUES.copyMarkers);
      expect(volume.values).toContain(VALUES.controls);
      const namespaces = new Set(stored.map((r) => r.namespace));
      for (const ns of NAMESPACES) expect(namespaces).toContain(ns);
      expect(new Set(stored.map((r) => r.cluster_alias))).toEqual(new Set([CLUSTER_ALIAS]));

      // The LIKE patterns matched as each flavor's SQL would (checked by the reference too; spelled out here).
      const category = (ns: string) =>
        stored.find((r) => r.namespace === ns && r.data_source === "Pod" && r.pod_labels !== null)
          ?.cost_category_id;
      expect(category("nsXund")).toBe(2);
      expect(category("ns%pct")).toBe(4);
      expect(category(NAMESPACES[3])).toBe(3);
      expect(category(NAMESPACES[4])).toBe(flavor === "trino" ? 1 : null);
      expect(category("ns_und")).toBe(2);
    });
  }

  it("a schema name made of SQL is only ever a quoted identifier", async () => {
    const schema = `tenant"; DROP SCHEMA public CASCADE; --`;
    await runAggregateJob(jobConfig(dir, params, { url: harness.db.url, schema }), { logger: quietLogger });
    expect((await snapshotRows(harness.admin, schema, params.run.sourceUuid)).length).toBeGreaterThan(0);
    const publicSchema = await harness.admin.query(
      "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'public'",
    );
    expect(publicSchema.rows[0].n).toBe(1);
  });

  it("a namespace longer than the column (253) fails clearly and writes nothing", async () => {
    const schema = "org_hostile_long";
    await runAggregateJob(jobConfig(dir, params, { url: harness.db.url, schema }), { logger: quietLogger });
    const before = await snapshotRows(harness.admin, schema, params.run.sourceUuid);
    const longDir = mkdtempSync(join(tmpdir(), "ocp-agg-hostile-long-"));
    try {
      const data = dataset();
      data.pods[0].namespace = `ns-${"n".repeat(300)}`;
      const longParams = writeMiniDataset(longDir, data);
      const error = await runAggregateJob(jobConfig(longDir, longParams, { url: harness.db.url, schema }), {
        logger: quietLogger,
      }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/value too long for type character varying\(253\)/);
      expect(error?.message).toMatch(/column namespace/);
      expect(error?.message).toMatch(/rolled back; existing rows unchanged/);
    } finally {
      rmSync(longDir, { recursive: true, force: true });
    }
    expect(await snapshotRows(harness.admin, schema, params.run.sourceUuid)).toEqual(before);
  });
});
