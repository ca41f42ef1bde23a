/** The "100k-gpu-vm" scale preset: the 100k cluster unchanged, plus GPUs (dedicated and MIG) and VM reports. */
import { describe, expect, it } from "vitest";
import { describeDataset } from "../../src/generate/describe.js";

describe("100k-gpu-vm preset", () => {
  it("adds GPUs and VMs to the same cluster as 100k", () => {
    const plain = describeDataset({ scale: "100k" });
    const withGpus = describeDataset({ scale: "100k-gpu-vm" });
    expect(plain.gpus).toEqual([]);
    expect(plain.vms).toEqual([]);
    // No extra random draws: nodes, pods and volumes are those of the 100k preset.
    expect(withGpus.pods).toEqual(plain.pods);
    expect(withGpus.volumes).toEqual(plain.volumes);
    expect(withGpus.gpus.length).toBe(16); // 4 GPU nodes × 4 pods
    expect(new Set(withGpus.gpus.map((g) => g.migProfile))).toEqual(new Set(["", "3g.20gb"]));
    const vmPods = plain.pods.filter((p) => p.labels?.vm_kubevirt_io_name !== undefined);
    expect(withGpus.vms.map((v) => v.name).sort()).toEqual(
      vmPods.map((p) => p.labels?.vm_kubevirt_io_name).sort(),
    );
    expect(withGpus.vms.length).toBeGreaterThan(0);
  });
});
