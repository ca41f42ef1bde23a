/** Koku's OCP-on-AWS rules on generated scenarios, figures worked out by hand (not by either implementation). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ProjectRow } from "../../src/aws/model.js";
import { engineRows, generateOcpOnAwsDataset } from "./helpers.js";

const workDir = mkdtempSync(join(tmpdir(), "aws-worked-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const sum = (rows: ProjectRow[], pick: (r: ProjectRow) => number | null) =>
  rows.reduce((t, r) => t + (pick(r) ?? 0), 0);
const day1 = (rows: ProjectRow[]) => rows.filter((r) => r.usage_start === "2025-10-01");

describe("worked examples", () => {
  it("shared disk: PV share of the disk, the unclaimed rest divided by the two clusters", {
    timeout: 60_000,
  }, async () => {
    const ds = await generateOcpOnAwsDataset({
      scenario: "shared-disk-two-clusters",
      out: join(workDir, "shared"),
    });
    const rows = await engineRows(ds);
    const disk = 0.010752688172043012 * 24; // a day of a 100 GiB gp3 volume
    const pv = rows.find((r) => r.namespace === "a-app");
    const rest = rows.find((r) => r.namespace === "Storage unattributed");
    expect(pv?.unblended_cost).toBeCloseTo((20 / 100) * disk, 12);
    expect(rest?.unblended_cost).toBeCloseTo((((100 - 50) / 100) * disk) / 2, 12);
    expect(rest?.persistentvolume).toBe("pvc-a");
    expect(rows).toHaveLength(2);
  });

  it("EC2 by effective usage / node capacity, the unused part to Worker unallocated; memory distribution", {
    timeout: 60_000,
  }, async () => {
    const ds = await generateOcpOnAwsDataset({ scenario: "resource-matching", out: join(workDir, "rm") });
    const node = 0.192 * 24; // node-a's instance, one day
    for (const [distribution, web, db] of [
      ["cpu", 1 / 4, 1 / 4], // effective cores: web-1 max(1, 0.5) = 1, db-1 max(0.5, 1) = 1 of 4
      ["memory", 4 / 16, 6 / 16], // effective GiB: web-1 max(2, 4) = 4, db-1 max(6, 4) = 6 of 16
    ] as const) {
      const rows = day1(await engineRows(ds, { ...ds.params, distribution })).filter(
        (r) => r.node === "node-a",
      );
      expect(rows.find((r) => r.namespace === "web")?.unblended_cost).toBeCloseTo(web * node, 12);
      expect(rows.find((r) => r.namespace === "db")?.unblended_cost).toBeCloseTo(db * node, 12);
      expect(sum(rows, (r) => r.unblended_cost)).toBeCloseTo(node, 12);
    }
  });

  it("tag matches split equally over (namespace, data source) pairs; unknown projects match nothing", {
    timeout: 60_000,
  }, async () => {
    const ds = await generateOcpOnAwsDataset({ scenario: "tag-matching", out: join(workDir, "tags") });
    const rows = await engineRows(ds);
    const rds = rows.filter((r) => r.resource_id?.endsWith(":db:shop-db"));
    // namespace shop has Pod and Storage rows: two pairs
    expect(rds.map((r) => r.data_source).sort()).toEqual(["Pod", "Storage"]);
    for (const r of rds) expect(r.unblended_cost).toBeCloseTo((0.068 * 24) / 2, 12);
    // openshift_node: every (namespace, data source) on node-a: shop Pod, shop Storage, blog Pod
    expect(rows.filter((r) => r.resource_id === "shop-bucket")).toHaveLength(3);
    expect(rows.some((r) => r.resource_id?.endsWith(":db:other"))).toBe(false);
    expect(rds.every((r) => r.account_alias_id === 3)).toBe(true);
  });

  it("savings plan, RI and tax: unblended 0 for covered usage, amortized from the SP effective cost, markup 10 %", {
    timeout: 60_000,
  }, async () => {
    const ds = await generateOcpOnAwsDataset({ scenario: "cost-types", out: join(workDir, "costs") });
    const rows = await engineRows(ds);
    const sp = rows.filter((r) => r.node === "sp-node" && r.resource_id === "i-00000c01");
    expect(sum(sp, (r) => r.unblended_cost)).toBeCloseTo(-0.192 * 24, 9); // covered usage 0 + negation
    expect(sum(sp, (r) => r.calculated_amortized_cost)).toBeCloseTo(0.12 * 24, 9);
    expect(sum(sp, (r) => r.markup_cost_amortized)).toBeCloseTo(0.012 * 24, 9);
    const tax = rows.filter((r) => r.resource_id === null);
    expect(sum(tax, (r) => r.unblended_cost)).toBeCloseTo(0.5, 12);
    expect(sum(tax, (r) => r.calculated_amortized_cost)).toBeCloseTo(0.5, 12);
    const ri = rows.filter((r) => r.node === "ri-node" && r.product_family === "Compute Instance");
    expect(sum(ri, (r) => r.calculated_amortized_cost)).toBeCloseTo(0, 12);
    expect(sum(ri, (r) => r.blended_cost)).toBeCloseTo(0.05 * 24 + 0.07, 9);
  });

  it("node data transfer goes to Network unattributed with its direction, unsplit", {
    timeout: 60_000,
  }, async () => {
    const ds = await generateOcpOnAwsDataset({ scenario: "network", out: join(workDir, "net") });
    const net = (await engineRows(ds)).filter((r) => r.namespace === "Network unattributed");
    const of = (node: string, dir: string) =>
      net.find((r) => r.node === node && r.data_transfer_direction === dir);
    expect(of("node-a", "IN")?.infrastructure_data_in_gigabytes).toBeCloseTo(1.5 * 24, 9);
    expect(of("node-a", "OUT")?.unblended_cost).toBeCloseTo(0.09 * 24, 9);
    expect(of("node-b", "IN")?.usage_amount).toBeCloseTo(0.25 * 24, 9);
    expect(of("node-b", "OUT")?.infrastructure_data_out_gigabytes).toBeCloseTo(0.5 * 24, 9);
    expect(net).toHaveLength(4); // the InterZone row has no direction
  });
});
