/**
 * gpu_usage and vm_usage files (hourly and daily, Koku's layout) for a description's `gpus` and `vms`, with the
 * values Koku's ingest writes (koku masu/util/ocp/ocp_post_processor.py and common.py): text columns keep ''
 * for empty fields, numbers are doubles, daily files regroup per day — gpu by (node, namespace, pod, gpu_uuid,
 * mig_instance_id) summing gpu_pod_uptime, vm by (namespace, node, vm_name, vm_labels) summing the seconds and
 * keeping the largest of the rest (a day with two claims of a VM keeps the larger claim name).
 */
import { join } from "node:path";
import { labelsToKokuJson } from "./labels.js";
import { type Compression, ParquetFileOutput, type Row } from "./parquet-output.js";
import type { ColumnDef } from "./parquet-schemas.js";
import type { DatasetSpec, GpuSpec, VmSpec } from "./spec.js";
import { uuid5 } from "./uuid5.js";

const GIB = 2 ** 30;
const DAY_MS = 86_400_000;

const ts = (name: string): ColumnDef => ({ name, kind: "timestamp" });
const str = (name: string): ColumnDef => ({ name, kind: "string" });
const dbl = (name: string): ColumnDef => ({ name, kind: "double" });
const TIMES = ["report_period_start", "report_period_end", "interval_start", "interval_end"].map(ts);

const GPU_COLUMNS: ColumnDef[] = [
  ...TIMES,
  ...["node", "namespace", "pod", "gpu_uuid", "gpu_model_name", "gpu_vendor_name"].map(str),
  ...["gpu_memory_capacity_mib", "gpu_pod_uptime"].map(dbl),
  ...["mig_instance_id", "mig_profile", "mig_strategy"].map(str),
  ...["mig_slice_count", "mig_memory_capacity_mib", "gpu_max_slices"].map(
    (name): ColumnDef => ({ name, kind: "nullable-double" }),
  ),
];
const GPU_MIG = new Set([
  "mig_instance_id",
  "mig_profile",
  "mig_strategy",
  "mig_slice_count",
  "mig_memory_capacity_mib",
  "gpu_max_slices",
]);

const VM_SUMS = [
  "vm_uptime_total_seconds",
  "vm_cpu_limit_core_seconds",
  "vm_cpu_request_core_seconds",
  "vm_cpu_request_socket_seconds",
  "vm_cpu_request_thread_seconds",
  "vm_cpu_usage_total_seconds",
  "vm_memory_limit_byte_seconds",
  "vm_memory_request_byte_seconds",
  "vm_memory_usage_byte_seconds",
  "vm_disk_allocated_size_byte_seconds",
];
const VM_LEVELS = [
  "vm_cpu_limit_cores",
  "vm_cpu_request_cores",
  "vm_cpu_request_sockets",
  "vm_cpu_request_threads",
  "vm_memory_limit_bytes",
  "vm_memory_request_bytes",
];
const VM_TEXTS = [
  "resource_id",
  "vm_instance_type",
  "vm_os",
  "vm_guest_os_arch",
  "vm_guest_os_name",
  "vm_guest_os_version",
  "vm_device",
  "vm_volume_mode",
  "vm_persistentvolumeclaim_name",
];
const VM_COLUMNS: ColumnDef[] = [
  ...TIMES,
  ...["node", "namespace", "vm_name", ...VM_TEXTS, "vm_labels"].map(str),
  ...[...VM_LEVELS, ...VM_SUMS].map(dbl),
];

export interface GpuVmWriteOptions {
  outDir: string;
  sourceUuid: string;
  partitionDir: (type: "gpu_usage" | "vm_usage", granularity: "hourly" | "daily") => string;
  rowGroupSize: number;
  compression: Compression;
}

/** Writes the files when the description has GPUs / VMs; returns their paths and row counts. */
export function writeGpuVmFiles(
  spec: DatasetSpec,
  intervals: number[],
  options: GpuVmWriteOptions,
): { files: string[]; counts: { gpu_usage: [number, number]; vm_usage: [number, number] } } {
  const files: string[] = [];
  const counts = { gpu_usage: [0, 0] as [number, number], vm_usage: [0, 0] as [number, number] };
  const intervalSeconds = spec.intervalMinutes * 60;
  const enc = new TextEncoder();
  const bytes = (text: string | null) => (text === null ? null : enc.encode(text));
  const period = periodColumns(spec);
  const outputOptions = { rowGroupSize: options.rowGroupSize, compression: options.compression };
  const open = (type: "gpu_usage" | "vm_usage", granularity: "hourly" | "daily", columns: ColumnDef[]) => {
    const name = `${uuid5(`${options.sourceUuid}/${granularity}/${type}/0`)}_${type}_0.parquet`;
    return new ParquetFileOutput(join(options.partitionDir(type, granularity), name), columns, outputOptions);
  };

  if (spec.gpus.length > 0) {
    // Older operators write no MIG columns: drop them when no GPU of the description has them.
    const withMig = spec.gpus.some((g) => g.migProfile !== null);
    const columns = GPU_COLUMNS.filter((c) => withMig || !GPU_MIG.has(c.name));
    const hourly = open("gpu_usage", "hourly", columns);
    const daily = new Map<string, Row>();
    for (const at of intervals) {
      for (const gpu of spec.gpus) {
        if (!active(gpu, at)) continue;
        const row: Row = {
          ...period,
          interval_start: at * 1000,
          interval_end: (at + intervalSeconds * 1000) * 1000,
          ...gpuTexts(gpu, bytes),
          gpu_memory_capacity_mib: gpu.memoryMib,
          gpu_pod_uptime: gpu.uptimeSecondsPerHour * (spec.intervalMinutes / 60),
          mig_slice_count: gpu.migSliceCount,
          mig_memory_capacity_mib: gpu.migMemoryMib,
          gpu_max_slices: gpu.gpuMaxSlices,
        };
        hourly.append(row);
        const day = Math.floor(at / DAY_MS) * DAY_MS;
        const key = [day, gpu.node, gpu.namespace, gpu.pod, gpu.gpuUuid, gpu.migInstanceId].join("\u0000");
        const group = daily.get(key);
        if (!group)
          daily.set(key, { ...row, interval_start: day * 1000, interval_end: (day + DAY_MS) * 1000 });
        else (group.gpu_pod_uptime as number) += row.gpu_pod_uptime as number;
      }
    }
    hourly.close();
    const dailyOut = open("gpu_usage", "daily", columns);
    for (const row of daily.values()) dailyOut.append(row);
    dailyOut.close();
    counts.gpu_usage = [hourly.rowCount, dailyOut.rowCount];
    files.push(hourly.path, dailyOut.path);
  }

  if (spec.vms.length > 0) {
    const hourly = open("vm_usage", "hourly", VM_COLUMNS);
    const daily = new Map<string, Row>();
    const dailyText = new Map<string, Record<string, string>>();
    for (const at of intervals) {
      for (const vm of spec.vms) {
        if (!active(vm, at)) continue;
        for (const pvc of vm.pvcs.length > 0 ? vm.pvcs : [""]) {
          const texts = vmTexts(vm, pvc);
          const row: Row = {
            ...period,
            interval_start: at * 1000,
            interval_end: (at + intervalSeconds * 1000) * 1000,
            node: bytes(vm.node),
            namespace: bytes(vm.namespace),
            vm_name: bytes(vm.name),
            vm_labels: bytes(labelsToKokuJson(vm.labels)),
            ...Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, bytes(v)])),
            ...vmMeasures(vm, intervalSeconds, pvc),
          };
          hourly.append(row);
          const day = Math.floor(at / DAY_MS) * DAY_MS;
          const key = [day, vm.namespace, vm.node, vm.name, labelsToKokuJson(vm.labels)].join("\u0000");
          const group = daily.get(key);
          if (!group) {
            daily.set(key, { ...row, interval_start: day * 1000, interval_end: (day + DAY_MS) * 1000 });
            dailyText.set(key, { ...texts });
            continue;
          }
          for (const name of VM_SUMS) (group[name] as number) += row[name] as number;
          for (const name of VM_LEVELS) group[name] = Math.max(group[name] as number, row[name] as number);
          const kept = dailyText.get(key) as Record<string, string>;
          for (const name of VM_TEXTS) {
            if (texts[name] > kept[name]) {
              kept[name] = texts[name];
              group[name] = bytes(texts[name]);
            }
          }
        }
      }
    }
    hourly.close();
    const dailyOut = open("vm_usage", "daily", VM_COLUMNS);
    for (const row of daily.values()) dailyOut.append(row);
    dailyOut.close();
    counts.vm_usage = [hourly.rowCount, dailyOut.rowCount];
    files.push(hourly.path, dailyOut.path);
  }
  return { files, counts };
}

function periodColumns(spec: DatasetSpec): Row {
  const start = Date.UTC(spec.year, spec.month - 1, 1);
  const end = Date.UTC(spec.year, spec.month, 1);
  return { report_period_start: start * 1000, report_period_end: end * 1000 };
}

function active(entity: { activeFrom: string | null; activeUntil: string | null }, at: number): boolean {
  if (entity.activeFrom !== null && at < Date.parse(`${entity.activeFrom}Z`)) return false;
  if (entity.activeUntil !== null && at >= Date.parse(`${entity.activeUntil}Z`)) return false;
  return true;
}

function gpuTexts(gpu: GpuSpec, bytes: (t: string | null) => Uint8Array | null): Row {
  return {
    node: bytes(gpu.node),
    namespace: bytes(gpu.namespace),
    pod: bytes(gpu.pod),
    gpu_uuid: bytes(gpu.gpuUuid),
    gpu_model_name: bytes(gpu.model),
    gpu_vendor_name: bytes(gpu.vendor),
    mig_instance_id: bytes(gpu.migInstanceId),
    mig_profile: bytes(gpu.migProfile),
    mig_strategy: bytes(gpu.migStrategy),
  };
}

function vmTexts(vm: VmSpec, pvc: string): Record<string, string> {
  return {
    resource_id: `vm-${vm.name}`,
    vm_instance_type: "u1.medium",
    vm_os: "linux",
    vm_guest_os_arch: "amd64",
    vm_guest_os_name: "Fedora Linux",
    vm_guest_os_version: "40",
    vm_device: pvc === "" ? "" : "rootdisk",
    vm_volume_mode: pvc === "" ? "" : "Block",
    vm_persistentvolumeclaim_name: pvc,
  };
}

function vmMeasures(vm: VmSpec, intervalSeconds: number, pvc: string): Row {
  const memory = vm.memoryRequestGiB * GIB;
  return {
    vm_cpu_limit_cores: vm.cpuRequestCores,
    vm_cpu_request_cores: vm.cpuRequestCores,
    vm_cpu_request_sockets: 1,
    vm_cpu_request_threads: 1,
    vm_memory_limit_bytes: memory,
    vm_memory_request_bytes: memory,
    vm_uptime_total_seconds: intervalSeconds,
    vm_cpu_limit_core_seconds: vm.cpuRequestCores * intervalSeconds,
    vm_cpu_request_core_seconds: vm.cpuRequestCores * intervalSeconds,
    vm_cpu_request_socket_seconds: intervalSeconds,
    vm_cpu_request_thread_seconds: intervalSeconds,
    vm_cpu_usage_total_seconds: vm.cpuRequestCores * intervalSeconds * 0.25,
    vm_memory_limit_byte_seconds: memory * intervalSeconds,
    vm_memory_request_byte_seconds: memory * intervalSeconds,
    vm_memory_usage_byte_seconds: memory * intervalSeconds * 0.5,
    vm_disk_allocated_size_byte_seconds: pvc === "" ? 0 : 30 * GIB * intervalSeconds,
  };
}
