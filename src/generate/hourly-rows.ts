/**
 * Turns a cluster description into Koku's hourly rows, one interval at a time. Everything per entity
 * (names as UTF-8 bytes, label texts, group keys) is resolved once up front; per row only numbers are
 * computed, from (seed, entity, interval) so the rows never depend on how they are chunked.
 */
import type { ReportType } from "../model.js";
import { labelsToKokuJson } from "./labels.js";
import { hashString, unitNoise } from "./noise.js";
import type { Row } from "./parquet-output.js";
import type { DatasetSpec, Labels, NodeSpec, Series, TimedLabels } from "./spec.js";

const GIB = 2 ** 30;
const MICROS_PER_MS = 1000;

/** Receives each hourly row with the key Koku's daily regrouping uses for it (spec §2.4, minus the day). */
export type RowSink = (type: ReportType, row: Row, groupKey: string) => void;

/**
 * Interns strings as UTF-8 bytes so each distinct value is encoded once. Bytes are views into shared
 * slabs: tens of thousands of names cost no ArrayBuffer each.
 */
export class ByteInterner {
  private static readonly SLAB_SIZE = 1 << 20;
  private readonly cache = new Map<string, Uint8Array>();
  private readonly encoder = new TextEncoder();
  private slab = new Uint8Array(ByteInterner.SLAB_SIZE);
  private used = 0;

  bytes(text: string | null): Uint8Array | null {
    if (text === null) return null;
    let bytes = this.cache.get(text);
    if (bytes === undefined) {
      bytes = this.encode(text);
      this.cache.set(text, bytes);
    }
    return bytes;
  }

  private encode(text: string): Uint8Array {
    const maxBytes = text.length * 3;
    if (maxBytes > ByteInterner.SLAB_SIZE / 4) return this.encoder.encode(text);
    if (this.used + maxBytes > this.slab.length) {
      this.slab = new Uint8Array(ByteInterner.SLAB_SIZE);
      this.used = 0;
    }
    const { written } = this.encoder.encodeInto(text, this.slab.subarray(this.used));
    const view = this.slab.subarray(this.used, this.used + written);
    this.used += written;
    return view;
  }
}

/** Short ids for long group identities: daily groups key on a few characters per row, not the full text. */
class GroupIds {
  private readonly ids = new Map<string, string>();

  idOf(identity: string): string {
    let id = this.ids.get(identity);
    if (id === undefined) {
      id = this.ids.size.toString(36);
      this.ids.set(identity, id);
    }
    return id;
  }
}

interface LabelVersion {
  fromMs: number;
  bytes: Uint8Array | null;
  /** The label text (or a null marker): daily rows group by it. */
  key: string;
}

interface ResolvedPod {
  spec: DatasetSpec["pods"][number];
  noiseId: number;
  bytes: {
    pod: Uint8Array | null;
    namespace: Uint8Array | null;
    node: Uint8Array | null;
    resourceId: Uint8Array | null;
  };
  labels: Uint8Array | null;
  node: NodeSpec | undefined;
  role: Uint8Array | null;
  groupKey: string;
  fromMs: number;
  untilMs: number;
}

interface ResolvedStorageRow {
  noiseId: number;
  text: Row;
  capacityBytes: number;
  requestBytes: number;
  usage: Series | null;
  groupKey: string;
  fromMs: number;
  untilMs: number;
}

interface LabelledEntity {
  name: Uint8Array | null;
  versions: LabelVersion[];
  keyPrefix: string;
}

function parseInstant(text: string | null, fallback: number): number {
  if (text === null) return fallback;
  const ms = Date.parse(
    /T/.test(text) ? (/Z|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`) : `${text}T00:00:00Z`,
  );
  if (Number.isNaN(ms)) throw new Error(`not a date or instant: ${text}`);
  return ms;
}

function versionsOf(interner: ByteInterner, timed: TimedLabels): LabelVersion[] {
  const versions: LabelVersion[] = [
    {
      fromMs: -Infinity,
      bytes: interner.bytes(labelsToKokuJson(timed.labels)),
      key: labelsText(timed.labels),
    },
  ];
  timed.changes
    .map((change) => ({ fromMs: parseInstant(change.from, 0), labels: change.labels }))
    .sort((a, b) => a.fromMs - b.fromMs)
    .forEach((change) => {
      const bytes = interner.bytes(labelsToKokuJson(change.labels));
      versions.push({ fromMs: change.fromMs, bytes, key: labelsText(change.labels) });
    });
  return versions;
}

function versionAt(versions: LabelVersion[], ms: number): LabelVersion {
  let current = versions[0];
  for (const version of versions) if (version.fromMs <= ms) current = version;
  return current;
}

function labelsText(labels: Labels | null): string {
  return labelsToKokuJson(labels) ?? "\u0000null";
}

export class HourlyRowProducer {
  readonly intervalMs: number;
  readonly intervalSeconds: number;
  private readonly pods: ResolvedPod[];
  private readonly storage: ResolvedStorageRow[];
  private readonly nodes: LabelledEntity[];
  private readonly namespaces: LabelledEntity[];
  private readonly periodStartMicros: number;
  private readonly periodEndMicros: number;
  /** Reused row objects: one allocation per type, not per row. */
  private readonly podRow: Row = {};
  private readonly storageRow: Row = {};
  private readonly labelRow: Row = {};
  /** UTC hour of the interval being emitted (for hourly profiles). */
  private currentHour = 0;

  constructor(
    private readonly spec: DatasetSpec,
    private readonly seed: number,
  ) {
    this.intervalMs = spec.intervalMinutes * 60_000;
    this.intervalSeconds = spec.intervalMinutes * 60;
    const dataStart = parseInstant(spec.dataStart, 0);
    const dataEnd = parseInstant(spec.dataEnd, 0);
    const monthStartMs = Date.UTC(spec.year, spec.month - 1, 1);
    this.periodStartMicros = monthStartMs * MICROS_PER_MS;
    this.periodEndMicros = Date.UTC(spec.year, spec.month, 1) * MICROS_PER_MS;
    const nodesByName = new Map(spec.nodes.map((node) => [node.name, node]));
    const groupIds = new GroupIds();
    // Local: the cache of strings is garbage once every entity holds its bytes.
    const interner = new ByteInterner();
    const b = (text: string | null) => interner.bytes(text);

    this.pods = spec.pods.map((pod) => {
      const node = pod.node === null ? undefined : nodesByName.get(pod.node);
      const resourceId = pod.resourceId ?? node?.resourceId ?? "";
      const labels = labelsText(pod.labels);
      return {
        spec: pod,
        noiseId: hashString(`pod/${pod.namespace}/${pod.name}/${pod.node}`),
        bytes: {
          pod: b(pod.name),
          namespace: b(pod.namespace),
          node: b(pod.node),
          resourceId: b(resourceId),
        },
        labels: b(labelsToKokuJson(pod.labels)),
        node,
        role: b(node?.operatorRole ?? ""),
        groupKey: groupIds.idOf([pod.namespace, pod.node ?? "\u0000null", pod.name, labels].join("\u0001")),
        fromMs: parseInstant(pod.activeFrom, dataStart),
        untilMs: parseInstant(pod.activeUntil, dataEnd),
      };
    });

    const podNodes = new Map<string, string | null>();
    for (const pod of spec.pods) podNodes.set(`${pod.namespace}/${pod.name}`, pod.node);
    this.storage = [];
    for (const volume of spec.volumes) {
      const fromMs = parseInstant(volume.activeFrom, dataStart);
      const untilMs = parseInstant(volume.activeUntil, dataEnd);
      const common = {
        persistentvolume: b(volume.name),
        storageclass: b(volume.storageClass),
        csi_driver: b(volume.csiDriver),
        csi_volume_handle: b(volume.csiVolumeHandle),
        persistentvolume_labels: b(labelsToKokuJson(volume.labels)),
      };
      const volumeKey = [volume.name, volume.storageClass, volume.csiDriver, volume.csiVolumeHandle].join(
        "\u0001",
      );
      if (volume.claims.length === 0) {
        // Koku's claimless PV: empty namespace, pod, claim and node; capacity only.
        this.storage.push({
          noiseId: hashString(`pv/${volume.name}`),
          text: {
            ...common,
            namespace: b(""),
            pod: b(""),
            node: b(""),
            persistentvolumeclaim: b(""),
            persistentvolumeclaim_labels: b("{}"),
          },
          capacityBytes: volume.requestGiB * GIB,
          requestBytes: 0,
          usage: null,
          groupKey: groupIds.idOf(
            ["", "", "", "", volumeKey, labelsText(volume.labels), "{}"].join("\u0001"),
          ),
          fromMs,
          untilMs,
        });
        continue;
      }
      for (const claim of volume.claims) {
        const mounts = claim.pods.length > 0 ? claim.pods : [""];
        for (const podName of mounts) {
          const node = podName === "" ? "" : (podNodes.get(`${claim.namespace}/${podName}`) ?? "");
          this.storage.push({
            noiseId: hashString(`pvc/${claim.namespace}/${claim.name}/${podName}`),
            text: {
              ...common,
              namespace: b(claim.namespace),
              pod: b(podName),
              node: b(node),
              persistentvolumeclaim: b(claim.name),
              persistentvolumeclaim_labels: b(labelsToKokuJson(claim.labels)),
            },
            capacityBytes: claim.capacityGiB * GIB,
            requestBytes: volume.requestGiB * GIB,
            usage: claim.usageGiB,
            groupKey: groupIds.idOf(
              [
                claim.namespace,
                node,
                podName,
                claim.name,
                volumeKey,
                labelsText(volume.labels),
                labelsText(claim.labels),
              ].join("\u0001"),
            ),
            fromMs,
            untilMs,
          });
        }
      }
    }

    this.nodes = spec.nodes
      .filter((node) => node.reportLabels)
      .map((node) => ({
        name: b(node.name),
        versions: versionsOf(interner, node.labels),
        keyPrefix: `${node.name}\u0001`,
      }));
    this.namespaces = spec.namespaces
      .filter((ns) => ns.reportLabels)
      .map((ns) => ({
        name: b(ns.name),
        versions: versionsOf(interner, ns.labels),
        keyPrefix: `${ns.name}\u0001`,
      }));
  }

  /** The interval starts (epoch ms) of the data range, in order. */
  intervalStarts(): number[] {
    const start = parseInstant(this.spec.dataStart, 0);
    const end = parseInstant(this.spec.dataEnd, 0);
    const starts: number[] = [];
    for (let t = start; t < end; t += this.intervalMs) starts.push(t);
    return starts;
  }

  /** Values of a series at one interval: the day's value (or base) with deterministic relative noise. */
  private valueAt(
    series: Series,
    day: string,
    noiseId: number,
    intervalIndex: number,
    channel: number,
  ): number {
    const hourly = series.byHour;
    const value =
      hourly && hourly.length > 0
        ? hourly[this.currentHour % hourly.length]
        : (series.byDay[day] ?? series.base);
    if (series.jitter === 0) return value;
    const u = unitNoise(this.seed, noiseId, intervalIndex, channel);
    return value * (1 + series.jitter * (2 * u - 1));
  }

  emitInterval(startMs: number, sink: RowSink): void {
    const instant = new Date(startMs);
    const day = instant.toISOString().slice(0, 10);
    this.currentHour = instant.getUTCHours();
    const intervalIndex = Math.round(startMs / this.intervalMs);
    const seconds = this.intervalSeconds;
    const common = {
      report_period_start: this.periodStartMicros,
      report_period_end: this.periodEndMicros,
      interval_start: startMs * MICROS_PER_MS,
      // Koku's operator reports end an interval one second before the next starts (00:59:59).
      interval_end: (startMs + this.intervalMs - 1000) * MICROS_PER_MS,
    };

    const row = Object.assign(this.podRow, common);
    for (const pod of this.pods) {
      if (startMs < pod.fromMs || startMs >= pod.untilMs) continue;
      const s = pod.spec;
      const active = Math.min(seconds, (s.podSecondsPerHour * seconds) / 3600);
      const id = pod.noiseId;
      row.pod = pod.bytes.pod;
      row.namespace = pod.bytes.namespace;
      row.node = pod.bytes.node;
      row.resource_id = pod.bytes.resourceId;
      row.pod_usage_cpu_core_seconds = this.valueAt(s.cpuUsage, day, id, intervalIndex, 1) * active;
      row.pod_request_cpu_core_seconds = this.valueAt(s.cpuRequest, day, id, intervalIndex, 2) * active;
      row.pod_limit_cpu_core_seconds = this.valueAt(s.cpuLimit, day, id, intervalIndex, 3) * active;
      row.pod_usage_memory_byte_seconds =
        this.valueAt(s.memUsageGiB, day, id, intervalIndex, 4) * GIB * active;
      row.pod_request_memory_byte_seconds =
        this.valueAt(s.memRequestGiB, day, id, intervalIndex, 5) * GIB * active;
      row.pod_limit_memory_byte_seconds =
        this.valueAt(s.memLimitGiB, day, id, intervalIndex, 6) * GIB * active;
      const cores = pod.node?.cpuCores ?? 0;
      const memoryBytes = (pod.node?.memoryGiB ?? 0) * GIB;
      row.node_capacity_cpu_cores = cores;
      row.node_capacity_cpu_core_seconds = cores * seconds;
      row.node_capacity_memory_bytes = memoryBytes;
      row.node_capacity_memory_byte_seconds = memoryBytes * seconds;
      row.pod_labels = pod.labels;
      row.node_role = pod.role;
      sink("pod_usage", row, pod.groupKey);
    }

    const storageRow = Object.assign(this.storageRow, common);
    for (const entry of this.storage) {
      if (startMs < entry.fromMs || startMs >= entry.untilMs) continue;
      Object.assign(storageRow, entry.text);
      storageRow.persistentvolumeclaim_capacity_bytes = entry.capacityBytes;
      storageRow.persistentvolumeclaim_capacity_byte_seconds = entry.capacityBytes * seconds;
      storageRow.volume_request_storage_byte_seconds = entry.requestBytes * seconds;
      storageRow.persistentvolumeclaim_usage_byte_seconds =
        entry.usage === null
          ? 0
          : this.valueAt(entry.usage, day, entry.noiseId, intervalIndex, 7) * GIB * seconds;
      sink("storage_usage", storageRow, entry.groupKey);
    }

    const labelRow = Object.assign(this.labelRow, common);
    for (const node of this.nodes) {
      const version = versionAt(node.versions, startMs);
      labelRow.node = node.name;
      labelRow.node_labels = version.bytes;
      sink("node_labels", labelRow, node.keyPrefix + version.key);
    }
    for (const ns of this.namespaces) {
      const version = versionAt(ns.versions, startMs);
      labelRow.namespace = ns.name;
      labelRow.namespace_labels = version.bytes;
      sink("namespace_labels", labelRow, ns.keyPrefix + version.key);
    }
  }
}
