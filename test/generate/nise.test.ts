/**
 * nise's static OpenShift YAML parses and produces the structure nise produced for the sample fixture
 * (same pods, namespaces, claims and volumes; nise's random values may differ).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GenerateResult, generateDataset, loadDatasetParams } from "../../src/generate/index.js";
import { isNiseDescription, parseNiseDescription } from "../../src/generate/nise-format.js";
import { query, table, tempDir } from "./helpers.js";

const FIXTURE = "test/fixtures/koku-samples/sample-basic";
const NISE_FILE = join(FIXTURE, "nise.yml");
const dir = tempDir("gen-nise");
let result: GenerateResult;

beforeAll(async () => {
  // The fixture was made for 2025-10-30..31 (nise's dates come from its command line, not the file).
  const spec = parseNiseDescription(readFileSync(NISE_FILE, "utf8"), { seed: 1, startDate: "2025-10-30" });
  expect(spec.startDate).toBe("2025-10-30");
  result = await generateDataset({
    out: join(dir.path, "nise"),
    descriptionFile: NISE_FILE,
    startDate: "2025-10-30",
    endDate: "2025-10-31",
  });
});
afterAll(() => dir.remove());

const GIB = 2 ** 30;

describe("nise static description", () => {
  it("is recognised as nise's format", () => {
    expect(isNiseDescription(readFileSync(NISE_FILE, "utf8"))).toBe(true);
    expect(isNiseDescription("name: x\nrun: {}\n")).toBe(false);
  });

  it("has the sample's pods, labels and capacities", async () => {
    const distinctPods = `select distinct pod, namespace, node, resource_id, pod_labels, node_capacity_cpu_cores as cores,
                                 node_capacity_memory_bytes as mem`;
    const ours = await query(`${distinctPods} from ${table(result.dir, "pod_usage")} order by pod`);
    const koku = await query(`${distinctPods} from ${table(FIXTURE, "pod_usage")} order by pod`);
    expect(ours).toEqual(koku);
  });

  it("follows the explicit usage values (full_period) and caps requests at the node", async () => {
    const rows =
      await query(`select pod, max(pod_usage_cpu_core_seconds) as cpu, max(pod_request_cpu_core_seconds) as req,
                                     max(pod_usage_memory_byte_seconds) as mem from ${table(result.dir, "pod_usage")}
                               where pod = 'pod_name1' group by pod`);
    expect(rows).toEqual([{ pod: "pod_name1", cpu: 3600, req: 4 * 3600, mem: 2 * GIB * 3600 }]);
  });

  it("has the sample's claims, volumes and namespaces", async () => {
    const claims = `select distinct namespace, pod, persistentvolumeclaim, persistentvolume_labels, persistentvolumeclaim_labels,
                           csi_driver, csi_volume_handle`;
    const ours = await query(
      `${claims} from ${table(result.dir, "storage_usage")} where pod <> 'my_big_beautiful_vm_name' order by all`,
    );
    const koku = await query(
      `${claims} from ${table(FIXTURE, "storage_usage")} where pod <> 'my_big_beautiful_vm_name' order by all`,
    );
    expect(ours).toEqual(koku);
    const vmClaim =
      await query(`select distinct persistentvolumeclaim as pvc, persistentvolumeclaim_capacity_bytes as cap
                                   from ${table(result.dir, "storage_usage")} where pod = 'my_big_beautiful_vm_name'`);
    expect(vmClaim).toEqual([{ pvc: "my_big_beautiful_vm_pvc_name", cap: 40 * GIB }]);
    const namespaces = `select distinct namespace, namespace_labels`;
    expect(await query(`${namespaces} from ${table(result.dir, "namespace_labels")} order by 1`)).toEqual(
      await query(`${namespaces} from ${table(FIXTURE, "namespace_labels")} order by 1`),
    );
  });

  it("gives the fixture's row counts, hourly and daily", () => {
    // The fixture's counts: 3 pods (two pods and a VM) and 3 storage rows per hour over two days.
    expect(result.counts.pod_usage.hourly).toBe(144);
    expect(result.counts.storage_usage.hourly).toBe(144);
    expect(result.counts).toEqual(loadDatasetParams(FIXTURE).counts);
    expect(result.params.reference.nodeRoles).toEqual([
      { node: "alpha", resource_id: "i-55555555", node_role: "worker" },
    ]);
  });
});
