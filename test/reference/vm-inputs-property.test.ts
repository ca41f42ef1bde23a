/**
 * Property: on random vm_usage / pod / storage rows the engine's half of Koku's VM temporary table
 * (run/steps.ts computeVmTmpSource) equals Koku's queries in DuckDB (reference/vm-reference.ts): the VMs at the
 * partition's latest instant with every claim name (NULL and '' names, missing requests, several nodes), and the
 * pod fallback's (VM, claim) pairs (labels without the VM key, not JSON, or with a non-scalar value: trino).
 * Seeded (test/support/fast-check-seed.ts); PROPERTY_SEED=random explores.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KokuSqlFlavor } from "../../src/model.js";
import { addReferenceFile, type ReferenceFiles } from "../../src/reference/load-inputs.js";
import { runVmReference, vmReferenceFiles } from "../../src/reference/vm-reference.js";
import { computeVmTmpSource } from "../../src/run/steps.js";
import { LocalSource } from "../../src/source/local.js";
import { compareVmTmp } from "../../src/verify/compare-vm.js";
import { type Cell, utc, writeRowsParquet } from "./write-parquet.js";

const SOURCE = "3f1c9a52-2d8e-4d7e-9b0a-1c2d3e4f5a6b";
const RUNS = Number(process.env.PROPERTY_RUNS ?? 15);

let workDir: string;
let cases = 0;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "vm-inputs-prop-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function write(
  root: string,
  tree: "hourly" | "daily",
  type: string,
  rows: Record<string, Cell>[],
  columns: string[],
) {
  const dir = join(root, "data/parquet", ...(tree === "daily" ? ["daily"] : []), "org1", "OCP", type);
  const partition = join(dir, `source=${SOURCE}`, "year=2025", "month=10");
  mkdirSync(partition, { recursive: true });
  writeRowsParquet(join(partition, `${type}.2025-10-01.1.0_0.parquet`), rows, columns);
}

const vmRow = fc.record({
  hour: fc.integer({ min: 0, max: 3 }),
  vm_name: fc.constantFrom("rhel9", "win11", "db", null),
  node: fc.constantFrom("node-a", "node-b", null),
  vm_cpu_request_cores: fc.constantFrom(1, 2, 0.5, null),
  vm_memory_request_bytes: fc.constantFrom(2 ** 30, 3 * 2 ** 30, 1e9, null),
  vm_persistentvolumeclaim_name: fc.constantFrom("rhel9-disk", "win11-disk", "shared", "", null),
});
const podRow = (flavor: KokuSqlFlavor) =>
  fc.record({
    pod: fc.constantFrom("virt-a", "virt-b", "plain", null),
    pod_labels: fc.constantFrom(
      '{"vm_kubevirt_io_name": "rhel9", "app": "vm"}',
      '{"vm_kubevirt_io_name": "win11"}',
      '{"app": "db"}',
      null,
      // only where the two renderings agree on them as Koku's trino does (spec-notes V7)
      ...(flavor === "trino" ? ['{"vm_kubevirt_io_name": {"x": 1}}', "not json"] : []),
    ),
  });
const storageRow = fc.record({
  pod: fc.constantFrom("virt-a", "virt-b", "plain", null),
  persistentvolumeclaim: fc.constantFrom("rhel9-disk", "win11-disk", "data", "", null),
});

async function check(
  flavor: KokuSqlFlavor,
  vms: { hour: number }[] | null,
  pods: Record<string, Cell>[],
  storage: Record<string, Cell>[],
) {
  const root = join(workDir, `case-${++cases}`);
  // Koku's daily rows carry interval_start; the VM queries do not read it from pods or storage.
  const day = utc("2025-10-01");
  write(
    root,
    "daily",
    "pod_usage",
    pods.map((p) => ({ interval_start: day, ...p })),
    ["interval_start", "pod", "pod_labels"],
  );
  write(
    root,
    "daily",
    "storage_usage",
    storage.map((s) => ({ interval_start: day, ...s })),
    ["interval_start", "pod", "persistentvolumeclaim"],
  );
  if (vms) {
    const rows = vms.map(
      ({ hour, ...rest }) => ({ interval_start: utc("2025-10-01", hour), ...rest }) as Record<string, Cell>,
    );
    const columns = [
      "interval_start",
      "vm_name",
      "node",
      "vm_cpu_request_cores",
      "vm_memory_request_bytes",
      "vm_persistentvolumeclaim_name",
    ];
    write(root, "hourly", "vm_usage", rows, columns);
    write(root, "daily", "vm_usage", rows, columns);
  }
  const source = new LocalSource(root);
  try {
    const listed = await source.list({ orgId: "org1", sourceUuid: SOURCE, year: 2025, month: 10 });
    const files: ReferenceFiles = {
      pod_usage: { hourly: [], daily: [] },
      storage_usage: { hourly: [], daily: [] },
      node_labels: { hourly: [], daily: [] },
      namespace_labels: { hourly: [], daily: [] },
    };
    for (const f of listed) addReferenceFile(files, f.reportType, f.granularity, f.location);
    const reference = await runVmReference({
      files: vmReferenceFiles(files),
      summary: [],
      sourceUuid: SOURCE,
      startDate: "2025-10-01",
      endDate: "2025-10-01",
      flavor,
    });
    const engine = await computeVmTmpSource(source, listed);
    return { engine, reference, comparison: compareVmTmp(engine, reference) };
  } finally {
    await source.close();
    rmSync(root, { recursive: true, force: true });
  }
}

describe("VM temporary-table inputs: engine vs Koku's queries in DuckDB on random rows", () => {
  for (const flavor of ["trino", "onprem"] as const) {
    it(`vm report (${flavor})`, { timeout: 120_000 }, async () => {
      let nonEmpty = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(vmRow, { minLength: 1, maxLength: 12 }),
          fc.array(podRow(flavor), { minLength: 1, maxLength: 3 }),
          fc.array(storageRow, { minLength: 1, maxLength: 3 }),
          async (vms, pods, storage) => {
            const { reference, comparison } = await check(flavor, vms, pods, storage);
            expect(reference.tmpSource).toBe("vm-report");
            expect(comparison.differences).toEqual([]);
            if (reference.vmReport.length > 0) nonEmpty++;
          },
        ),
        { numRuns: RUNS },
      );
      expect(nonEmpty).toBeGreaterThan(0);
    });

    it(`pod fallback (${flavor})`, { timeout: 120_000 }, async () => {
      let nonEmpty = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(podRow(flavor), { minLength: 1, maxLength: 8 }),
          fc.array(storageRow, { minLength: 1, maxLength: 8 }),
          async (pods, storage) => {
            const { reference, comparison } = await check(flavor, null, pods, storage);
            expect(reference.tmpSource).toBe("pods");
            expect(comparison.differences).toEqual([]);
            if (reference.podClaims.length > 0) nonEmpty++;
          },
        ),
        { numRuns: RUNS },
      );
      expect(nonEmpty).toBeGreaterThan(0);
    });
  }
});
