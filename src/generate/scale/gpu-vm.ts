/**
 * The GPUs and VMs of the `100k-gpu-vm` preset, derived from the pods and volumes already drawn.
 */
import type { GpuSpec, Labels, NodeSpec, PodSpec, VmSpec, VolumeSpec } from "../spec.js";

/**
 * GPUs derived from the pods already drawn (no extra random draws, so the rest of the cluster is the same as
 * without them): on every 10th node, its first four application pods each use one GPU — a dedicated T4 for
 * even ones, a MIG instance of one A100 for odd ones.
 */
export function scaleGpus(nodes: NodeSpec[], pods: PodSpec[]): GpuSpec[] {
  const gpus: GpuSpec[] = [];
  nodes.forEach((node, n) => {
    if (n % 10 !== 0) return;
    const onNode = pods
      .filter((p) => p.node === node.name && !p.namespace.startsWith("openshift-"))
      .slice(0, 4);
    onNode.forEach((pod, i) => {
      const mig = i % 2 === 1;
      gpus.push({
        node: node.name,
        namespace: pod.namespace,
        pod: pod.name,
        gpuUuid: mig ? `GPU-a100-${n}` : `GPU-t4-${n}-${i}`,
        vendor: "nvidia",
        model: mig ? "A100 SXM4 40GB" : "Tesla T4",
        memoryMib: mig ? 40960 : 15360,
        migInstanceId: mig ? `MIG-a100-${n}-${i}` : "",
        migProfile: mig ? "3g.20gb" : "",
        migStrategy: mig ? "mixed" : "",
        migSliceCount: mig ? 3 : null,
        gpuMaxSlices: mig ? 7 : null,
        migMemoryMib: mig ? 20480 : null,
        uptimeSecondsPerHour: 3600,
        activeFrom: null,
        activeUntil: null,
      });
    });
  });
  return gpus;
}

/** vm_usage rows for the pods labelled vm_kubevirt_io_name, with the claims those pods mount. */
export function scaleVms(pods: PodSpec[], volumes: VolumeSpec[]): VmSpec[] {
  return pods
    .filter((p) => p.labels?.vm_kubevirt_io_name !== undefined && p.node !== null)
    .map((p) => ({
      name: (p.labels as Labels).vm_kubevirt_io_name,
      namespace: p.namespace,
      node: p.node as string,
      cpuRequestCores: p.cpuRequest.base,
      memoryRequestGiB: p.memRequestGiB.base,
      pvcs: volumes.flatMap((v) => v.claims.filter((c) => c.pods.includes(p.name)).map((c) => c.name)),
      labels: { app: (p.labels as Labels).app ?? "vm" },
      activeFrom: null,
      activeUntil: null,
    }));
}
