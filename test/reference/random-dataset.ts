/**
 * fast-check arbitraries for small random OpenShift datasets (random clusters, hostile label text, missing
 * values, shared PVs, partial months, rows outside the range, files split in two), and their writing
 * in Koku's layout. Shrinking works on the plain-data description, so a failure ends small.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  type KokuSqlFlavor,
  POD_USAGE_MEASURES,
  type ReferenceData,
  type ReportType,
  type RunParams,
} from "../../src/model.js";
import type { ReferenceFiles } from "../../src/reference/duckdb-reference.js";
import { type Cell, writeRowsParquet } from "./write-parquet.js";

const LABEL_KEYS = [
  "app",
  "env",
  "vm_kubevirt_io_name",
  "team",
  "x y",
  'q"k',
  "b\\s",
  "é🙂",
  "node_role_kubernetes_io",
];
const LABEL_VALUES = ["web", "prod", "", 'a"b', "c\\d", "ü😀", "{}", "x,y", "infra", "line\nbreak"];
const NODES = ["n1", "n2", 'nö"3', ""];
const NAMESPACES = ["ns1", "kube-sys", "openshift-kube-apiserver", "a_b", "a\\xb", "Worker unallocated", ""];
const PODS = ["p1", "p2", "p3"];
const CATEGORY_PATTERNS = [
  { namespace: "kube-%", cost_category_id: 1 },
  { namespace: "a\\_b", cost_category_id: 2 },
  { namespace: "%", cost_category_id: 3 },
  { namespace: "openshift-%", cost_category_id: 4 },
  { namespace: "ns_", cost_category_id: 5 },
  { namespace: "Worker unallocated", cost_category_id: 6 },
];

/** A label text: JSON object (compact or Python-style spacing), or null (another writer's missing value). */
const labelText = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant('{"node_role_kubernetes_io": "infra"}') },
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constantFrom(...LABEL_VALUES), { maxKeys: 3 }),
        fc.boolean(),
      )
      .map(([labels, pythonStyle]) =>
        pythonStyle
          ? JSON.stringify(labels).replaceAll('":"', '": "').replaceAll('","', '", "')
          : JSON.stringify(labels),
      ),
  },
);

/** A measure: mostly whole numbers (exact sums), sometimes fractions, negatives or missing. */
const measure = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 7200 }) },
  { weight: 1, arbitrary: fc.double({ min: -100, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 8, nil: null });

/** `day` indexes the run's days from one before the start to one after the end (outside rows are ignored). */
const timeOf = { day: fc.integer({ min: 0, max: 4 }), hour: fc.constantFrom(0, 1, 23) };

const podRow = fc.record({
  ...timeOf,
  namespace: nullable(fc.constantFrom(...NAMESPACES)),
  node: nullable(fc.constantFrom(...NODES)),
  pod: fc.constantFrom(...PODS),
  resource_id: nullable(fc.constantFrom("i-1", "i-2")),
  pod_labels: labelText,
  node_role: nullable(fc.constantFrom("master", "worker", "infra")),
  measures: fc.array(measure, { minLength: 10, maxLength: 10 }),
});

const storageRow = fc.record({
  ...timeOf,
  namespace: fc.constantFrom(...NAMESPACES.slice(0, 3)),
  pod: nullable(fc.constantFrom(...PODS, "gone")),
  persistentvolumeclaim: nullable(fc.constantFrom("c1", "c2", "")),
  persistentvolume: nullable(fc.constantFrom("v1", "v2")),
  storageclass: nullable(fc.constantFrom("gp2", "")),
  csi_volume_handle: nullable(fc.constantFrom("h1", "h2")),
  node: nullable(fc.constantFrom(...NODES)),
  persistentvolume_labels: labelText,
  persistentvolumeclaim_labels: labelText,
  measures: fc.array(measure, { minLength: 4, maxLength: 4 }),
});

const nodeLabelRow = fc.record({ ...timeOf, node: fc.constantFrom(...NODES), labels: labelText });
const namespaceLabelRow = fc.record({
  ...timeOf,
  namespace: fc.constantFrom(...NAMESPACES),
  labels: labelText,
});

export const randomDataset = fc.record({
  month: fc.constantFrom(
    { year: 2024, month: 2 },
    { year: 2025, month: 2 },
    { year: 2025, month: 4 },
    { year: 2025, month: 12 },
  ),
  startDay: fc.integer({ min: 1, max: 3 }),
  days: fc.integer({ min: 1, max: 3 }),
  pods: fc.array(podRow, { maxLength: 12 }),
  storage: fc.array(storageRow, { maxLength: 6 }),
  nodeLabels: fc.array(nodeLabelRow, { maxLength: 5 }),
  namespaceLabels: fc.array(namespaceLabelRow, { maxLength: 4 }),
  /** Which of two files each row goes to (same day split across files must not matter). */
  fileSplit: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  /**
   * One file per day instead (as Koku's operator uploads): with node roles given, a multi-day run then goes
   * through day windows (run/day-windows.ts planWindows), the path production takes on such data.
   */
  filePerDay: fc.boolean(),
  withNodeRoleColumn: fc.boolean(),
  withStorageOptionalColumns: fc.boolean(),
  enabledTagKeys: fc.subarray(LABEL_KEYS.filter((k) => k !== "vm_kubevirt_io_name")),
  costCategories: fc.subarray(CATEGORY_PATTERNS),
  nodeRoles: fc.option(
    fc.array(
      fc.record({
        node: fc.constantFrom(...NODES),
        resource_id: nullable(fc.constantFrom("i-1", "i-2")),
        node_role: nullable(fc.constantFrom("master", "infra", "worker", "other")),
      }),
      { maxLength: 4 },
    ),
    { nil: null },
  ),
  kokuSql: fc.constantFrom<KokuSqlFlavor>("trino", "onprem"),
  mode: fc.constantFrom("streaming" as const, "in-memory" as const),
});

export type RandomDataset = typeof randomDataset extends fc.Arbitrary<infer T> ? T : never;

const SOURCE_UUID = "11111111-2222-3333-4444-555555555555";
const ORG = "org42";
const pad = (n: number) => String(n).padStart(2, "0");

export function runOf(ds: RandomDataset): { run: RunParams; reference: ReferenceData } {
  const { year, month } = ds.month;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const endDay = Math.min(lastDay, ds.startDay + ds.days - 1);
  return {
    run: {
      sourceUuid: SOURCE_UUID,
      year,
      month,
      startDate: `${year}-${pad(month)}-${pad(ds.startDay)}`,
      endDate: `${year}-${pad(month)}-${pad(endDay)}`,
      clusterId: "cluster-1",
      clusterAlias: 'Cluster "one"',
      reportPeriodId: 1,
      orgId: ORG,
      kokuSql: ds.kokuSql,
    },
    reference: {
      enabledTagKeys: ds.enabledTagKeys,
      costCategories: ds.costCategories,
      nodeRoles: ds.nodeRoles,
    },
  };
}

/** Interval start of a row: day index 0 is the day before the run's start, clamped to the month. */
function intervalStart(ds: RandomDataset, day: number, hour: number): Date {
  const { year, month } = ds.month;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dom = Math.max(1, Math.min(lastDay, ds.startDay - 1 + day));
  return new Date(Date.UTC(year, month - 1, dom, hour));
}

const POD_MEASURES = [
  ...POD_USAGE_MEASURES,
  "node_capacity_cpu_cores",
  "node_capacity_cpu_core_seconds",
  "node_capacity_memory_bytes",
  "node_capacity_memory_byte_seconds",
];
const STORAGE_MEASURES = [
  "persistentvolumeclaim_capacity_bytes",
  "persistentvolumeclaim_capacity_byte_seconds",
  "volume_request_storage_byte_seconds",
  "persistentvolumeclaim_usage_byte_seconds",
];

function tableRows(ds: RandomDataset): Record<ReportType, Record<string, Cell>[]> {
  const withMeasures = (names: string[], values: (number | null)[]) =>
    Object.fromEntries(names.map((n, i) => [n, values[i]]));
  return {
    pod_usage: ds.pods.map((r) => ({
      interval_start: intervalStart(ds, r.day, r.hour),
      namespace: r.namespace,
      node: r.node,
      pod: r.pod,
      resource_id: r.resource_id,
      ...withMeasures(POD_MEASURES, r.measures),
      pod_labels: r.pod_labels,
      ...(ds.withNodeRoleColumn ? { node_role: r.node_role } : {}),
    })),
    storage_usage: ds.storage.map((r) => ({
      interval_start: intervalStart(ds, r.day, r.hour),
      namespace: r.namespace,
      pod: r.pod,
      persistentvolumeclaim: r.persistentvolumeclaim,
      persistentvolume: r.persistentvolume,
      storageclass: r.storageclass,
      ...withMeasures(STORAGE_MEASURES, r.measures),
      persistentvolume_labels: r.persistentvolume_labels,
      persistentvolumeclaim_labels: r.persistentvolumeclaim_labels,
      ...(ds.withStorageOptionalColumns
        ? { node: r.node, csi_driver: "ebs", csi_volume_handle: r.csi_volume_handle }
        : {}),
    })),
    node_labels: ds.nodeLabels.map((r) => ({
      interval_start: intervalStart(ds, r.day, r.hour),
      node: r.node,
      node_labels: r.labels,
    })),
    namespace_labels: ds.namespaceLabels.map((r) => ({
      interval_start: intervalStart(ds, r.day, r.hour),
      namespace: r.namespace,
      namespace_labels: r.labels,
    })),
  };
}

/** Writes the dataset's hourly files under `<root>/data/parquet/…`; returns the parquet root and file lists. */
export function writeRandomDataset(
  ds: RandomDataset,
  root: string,
): { parquetRoot: string; files: ReferenceFiles } {
  const parquetRoot = join(root, "data", "parquet");
  mkdirSync(parquetRoot, { recursive: true });
  const rows = tableRows(ds);
  const files = {} as ReferenceFiles;
  let splitIndex = 0;
  for (const type of Object.keys(rows) as ReportType[]) {
    files[type] = { hourly: [], daily: [] };
    const typeRows = rows[type];
    if (typeRows.length === 0) continue;
    const dir = join(
      parquetRoot,
      ORG,
      "OCP",
      type,
      `source=${SOURCE_UUID}`,
      `year=${ds.month.year}`,
      `month=${pad(ds.month.month)}`,
    );
    mkdirSync(dir, { recursive: true });
    const parts: Record<string, Cell>[][] = ds.filePerDay ? [] : [[], []];
    for (const row of typeRows) {
      if (ds.filePerDay) {
        const day = (row.interval_start as Date).getUTCDate();
        parts[day] = parts[day] ?? [];
        parts[day].push(row);
      } else {
        parts[ds.fileSplit[splitIndex++ % ds.fileSplit.length] ? 1 : 0].push(row);
      }
    }
    parts.forEach((part, i) => {
      if (!part || part.length === 0) return;
      const path = join(dir, `part-${i}.parquet`);
      writeRowsParquet(path, part);
      files[type].hourly.push(path);
    });
  }
  return { parquetRoot, files };
}
