/**
 * What F1 and F2 read from the cluster's OpenShift usage Parquet besides the summary rows: the matchable
 * node resource ids, PV names and CSI volume handles, the nodes and namespaces of the special tags
 * (openshift_pod/storage_usage_line_items_daily), and each storage claim's CSI handle (the Parquet copy of the
 * summary carries it; our summary rows do not). Daily files are read when present, hourly ones otherwise.
 */
import type { InputFile, InputSource, ReportType } from "../../model.js";
import { InlineDecoder, openParquetFile, readRowGroup } from "../../parquet/reader.js";
import type { OcpMatchables } from "../model.js";
import { StringTable } from "./string-table.js";

export interface OcpUsageFacts {
  matchables(range: { startDate: string; endDate: string }): OcpMatchables;
  /** The CSI volume handle of a storage summary row (day, namespace, claim, volume); null when none. */
  csiHandle(
    day: string,
    namespace: string | null,
    claim: string | null,
    volume: string | null,
  ): string | null;
  files: string[];
}

function preferDaily(files: InputFile[], type: ReportType): InputFile[] {
  const ofType = files.filter((f) => f.reportType === type);
  const daily = ofType.filter((f) => f.granularity === "daily");
  return daily.length > 0 ? daily : ofType;
}

const dayOf = (millis: number) => new Date(millis).toISOString().slice(0, 10);
const claimKey = (day: string, ns: string | null, claim: string | null, pv: string | null) =>
  JSON.stringify([day, ns, claim, pv]);

export async function readOcpUsageFacts(
  source: InputSource,
  query: { orgId: string | null; sourceUuid: string; year: number; month: number },
): Promise<OcpUsageFacts> {
  const listed = await source.list(query);
  const strings = new StringTable();
  const decoder = new InlineDecoder(strings);
  const pods: { day: string; resourceId: string | null; node: string | null; namespace: string | null }[] =
    [];
  const volumes: { day: string; pv: string | null; handle: string | null }[] = [];
  const handles = new Map<string, string>();
  const read = async (
    file: InputFile,
    names: { name: string; kind: "string" | "timestamp"; required: boolean }[],
    visit: (get: (name: string, i: number) => string | number | null, n: number) => void,
  ) => {
    const bytes = await source.open(file);
    const handle = await openParquetFile(file.location, bytes);
    for (let rg = 0; rg < handle.rowGroupRows.length; rg++) {
      const batch = await readRowGroup(handle, bytes, rg, names, decoder);
      visit((name, i) => {
        const col = batch.columns.get(name);
        if (!col) return null;
        if (col.kind === "string") return col.ids[i] < 0 ? null : strings.values[col.ids[i]];
        if (col.kind === "timestamp") return Number.isNaN(col.millis[i]) ? null : col.millis[i];
        return null;
      }, batch.numRows);
    }
  };
  const used: string[] = [];
  try {
    for (const file of preferDaily(listed, "pod_usage")) {
      used.push(file.location);
      const cols = ["resource_id", "node", "namespace"].map((name) => ({
        name,
        kind: "string" as const,
        required: true,
      }));
      await read(file, [{ name: "interval_start", kind: "timestamp", required: true }, ...cols], (get, n) => {
        for (let i = 0; i < n; i++) {
          const start = get("interval_start", i);
          if (start === null) continue;
          pods.push({
            day: dayOf(start as number),
            resourceId: get("resource_id", i) as string | null,
            node: get("node", i) as string | null,
            namespace: get("namespace", i) as string | null,
          });
        }
      });
    }
    for (const file of preferDaily(listed, "storage_usage")) {
      used.push(file.location);
      const cols = [
        { name: "namespace", kind: "string" as const, required: true },
        { name: "persistentvolumeclaim", kind: "string" as const, required: true },
        { name: "persistentvolume", kind: "string" as const, required: true },
        { name: "csi_volume_handle", kind: "string" as const, required: false },
      ];
      await read(file, [{ name: "interval_start", kind: "timestamp", required: true }, ...cols], (get, n) => {
        for (let i = 0; i < n; i++) {
          const start = get("interval_start", i);
          if (start === null) continue;
          const day = dayOf(start as number);
          const pv = get("persistentvolume", i) as string | null;
          const handle = get("csi_volume_handle", i) as string | null;
          volumes.push({ day, pv, handle });
          if (handle) {
            const key = claimKey(
              day,
              get("namespace", i) as string | null,
              get("persistentvolumeclaim", i) as string | null,
              pv,
            );
            const known = handles.get(key);
            if (known === undefined || handle > known) handles.set(key, handle);
          }
        }
      });
    }
  } finally {
    await decoder.close();
  }
  return {
    files: used,
    csiHandle: (day, ns, claim, pv) => handles.get(claimKey(day, ns, claim, pv)) ?? null,
    matchables: ({ startDate, endDate }) => {
      const within = (day: string) => day >= startDate && day <= endDate;
      const nodeIds = new Set<string>();
      const nodes = new Set<string>();
      const namespaces = new Set<string>();
      for (const p of pods) {
        if (!within(p.day)) continue;
        if (p.resourceId) nodeIds.add(p.resourceId);
        if (p.node !== null) nodes.add(p.node);
        if (p.namespace !== null) namespaces.add(p.namespace);
      }
      const vols = new Map<string, { persistentvolume: string; csiVolumeHandle: string }>();
      for (const v of volumes) {
        if (!within(v.day) || !v.pv) continue;
        const entry = { persistentvolume: v.pv, csiVolumeHandle: v.handle ?? "" };
        vols.set(JSON.stringify(entry), entry);
      }
      return {
        nodeResourceIds: [...nodeIds].sort(),
        volumes: [...vols.values()],
        nodes: [...nodes].sort(),
        namespaces: [...namespaces].sort(),
      };
    },
  };
}
