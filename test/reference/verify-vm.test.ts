/**
 * `verify` covers the VM step: the engine's Parquet half of Koku's VM temporary table against Koku's queries in
 * DuckDB (vm report and pod fallback), the reference's VM row count, and a difference when the engine's input
 * differs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset } from "../../src/generate/index.js";
import { LocalSource } from "../../src/source/local.js";
import { compareVmTmp } from "../../src/verify/compare-vm.js";
import { formatVerifyReport, runVerify } from "../../src/verify/run-verify.js";

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "verify-vm-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function verifyScenario(scenario: string, kokuSql: "trino" | "onprem") {
  const generated = await generateDataset({ out: join(workDir, `${scenario}-${kokuSql}`), scenario });
  const source = new LocalSource(generated.dir);
  try {
    return await runVerify({
      source,
      run: { ...generated.params.run, kokuSql },
      reference: generated.params.reference,
    });
  } finally {
    await source.close();
  }
}

describe("verify: the VM step", () => {
  it("vm_usage report: the VMs of the report's last instant with their claims (trino)", {
    timeout: 60_000,
  }, async () => {
    const result = await verifyScenario("kubevirt-vms", "trino");
    const report = formatVerifyReport(result);
    expect(result.vm.equal, report).toBe(true);
    expect(result.vm.tmpSource).toBe("vm-report");
    // rhel9 (1 disk), win11 (2 disks), fedora (no disk: one row with a NULL claim); old-vm is gone by then
    expect(result.vm.rows).toBe(4);
    expect(result.vm.referenceRows).toBe(3);
    expect(report).toContain(
      "PARITY (VM): engine and Koku's queries agree on 4 VM temporary-table rows from the vm_usage report",
    );
  });

  it("pod fallback: the (VM, claim) pairs of the line items (onprem)", { timeout: 60_000 }, async () => {
    const result = await verifyScenario("kubevirt-vms-pods-only", "onprem");
    expect(result.vm.equal, formatVerifyReport(result)).toBe(true);
    expect(result.vm.tmpSource).toBe("pods");
    expect(result.vm.rows).toBe(4);
    expect(result.vm.referenceRows).toBe(4);
  });

  it("reports a differing VM input, a source the engine reads differently, and a skipped step", () => {
    const reference = {
      skipped: false,
      tmpSource: "vm-report" as const,
      vmReport: [{ vm_name: "a", node: "n", pvc_name: "a-disk", cpu_request: 48, mem_request: 96 }],
      podClaims: [],
      rows: [],
    };
    const row = { vm_name: "a", node: "n", pvc_name: "a-disk", cpu_request: 48, mem_request: 96 };
    expect(compareVmTmp({ kind: "vm-report", rows: [row] }, reference).equal).toBe(true);
    expect(
      compareVmTmp({ kind: "vm-report", rows: [{ ...row, cpu_request: 24 }] }, reference).differences,
    ).toEqual(['vm report ["a","n","a-disk"] requests: engine 24/96, reference 48/96']);
    expect(compareVmTmp({ kind: "pods", claims: [] }, reference).differences).toEqual([
      "VM temporary table: engine reads pods, Koku's accessor picks vm-report",
    ]);
    expect(compareVmTmp(null, { ...reference, skipped: true }).equal).toBe(true);
    expect(compareVmTmp(null, reference).differences).toEqual(["VM step: engine skips it, Koku runs it"]);
  });
});
