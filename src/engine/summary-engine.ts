/**
 * The engine: pure computation, no I/O. Row groups go in (label files first, then storage, then pods — the
 * order the caller must keep), summary rows come out of finish(). State is bounded by the number of groups,
 * never by the number of input rows.
 */
import type { EngineInput, ReferenceData, ReportType, RunParams, SummaryRow } from "../model.js";
import { type RowGroupBatch, strings } from "./batch.js";
import type { FinishContext } from "./context.js";
import { createEngineDictionary, type EngineDictionary, type FilteredTexts } from "./dictionary.js";
import { computeCapacities, finalizePodRows } from "./finalize-pods.js";
import { finalizeStorageRows } from "./finalize-storage.js";
import type { Interner } from "./interner.js";
import { LabelAccumulator } from "./label-accumulator.js";
import { type LabelCatalog, LabelTextError } from "./labels.js";
import { compileLike } from "./like.js";
import { deriveNodeRoles, nodeRolesFromTable } from "./node-roles.js";
import { PodAccumulator } from "./pod-accumulator.js";
import { sortSummaryRows } from "./row-order.js";
import { StorageAccumulator } from "./storage-accumulator.js";
import { TupleMap } from "./tuple-map.js";
import { unallocatedRows } from "./unallocated.js";
import { dayNumber, MS_PER_DAY } from "./values.js";

/** A report type's rows, or node capacity alone (hourly pod rows read beside daily ones). */
const PHASE: Record<EngineInput, number> = {
  node_labels: 0,
  namespace_labels: 0,
  storage_usage: 1,
  pod_usage: 2,
  pod_capacity: 2,
};

export class EngineInputError extends Error {}

export interface EngineStats {
  rowsIn: Record<ReportType, number>;
  rowsInRange: Record<ReportType, number>;
  podGroups: number;
  storageGroups: number;
  stateBytes: number;
  /** Measures above 1e18 or infinite, which Koku's ingest would have dropped (spec §10). */
  outOfRangeMeasures: number;
}

export interface EngineResult {
  rows: SummaryRow[];
  counts: { pod: number; storage: number; unallocated: number };
  stats: EngineStats;
}

/**
 * The summary, one day at a time: every output row belongs to one day (all keys include it), so rows are
 * built, sorted and handed on per day and never all held at once.
 */
export interface EngineOutput {
  days: number[];
  /** The day's rows in canonical order (see row-order.ts); the first call per day adds to `counts`. */
  rowsOfDay(day: number): SummaryRow[];
  /** Rows produced so far, by kind. */
  counts: { pod: number; storage: number; unallocated: number };
  stats: EngineStats;
}

export class SummaryEngine {
  readonly interner: Interner;
  private readonly catalog: LabelCatalog;
  private readonly labelTexts: FilteredTexts;
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly nodeLabels: LabelAccumulator;
  private readonly namespaceLabels: LabelAccumulator;
  private readonly storage: StorageAccumulator;
  private readonly pods: PodAccumulator;
  private phase = 0;
  private outOfRange = 0;

  constructor(
    private readonly run: RunParams,
    private readonly reference: ReferenceData,
    shared?: EngineDictionary,
  ) {
    // Strings and label maps may be shared by several engines of one run (day windows): pure caches.
    const dictionary = shared ?? createEngineDictionary(run, reference);
    this.interner = dictionary.interner;
    this.catalog = dictionary.catalog;
    this.labelTexts = dictionary.labelTexts;
    this.startMs = dayNumber(run.startDate) * MS_PER_DAY;
    this.endMs = (dayNumber(run.endDate) + 1) * MS_PER_DAY;
    if (!(this.endMs > this.startMs)) {
      throw new EngineInputError(`end date ${run.endDate} is before start date ${run.startDate}`);
    }
    this.nodeLabels = new LabelAccumulator("node", "node_labels", this.startMs, this.endMs);
    this.namespaceLabels = new LabelAccumulator("namespace", "namespace_labels", this.startMs, this.endMs);
    this.storage = new StorageAccumulator(this.startMs, this.endMs);
    this.pods = new PodAccumulator({
      startMs: this.startMs,
      endMs: this.endMs,
      flavor: run.kokuSql,
      interner: this.interner,
      claims: this.storage.claims,
      deriveRoles: reference.nodeRoles === null,
    });
  }

  /** Whether node roles come from the data (no reporting_ocp_nodes): the pod reader must then read node_role. */
  get derivesNodeRoles(): boolean {
    return this.reference.nodeRoles === null;
  }

  add(type: EngineInput, batch: RowGroupBatch, hourly: boolean): void {
    if (PHASE[type] < this.phase) {
      throw new Error(`engine input out of order: ${type} after a later report type`);
    }
    this.phase = PHASE[type];
    switch (type) {
      case "node_labels":
        this.filterLabels(batch, "node_labels");
        this.nodeLabels.add(batch);
        break;
      case "namespace_labels":
        this.filterLabels(batch, "namespace_labels");
        this.namespaceLabels.add(batch);
        break;
      case "storage_usage":
        this.filterLabels(batch, "persistentvolume_labels");
        this.filterLabels(batch, "persistentvolumeclaim_labels");
        this.outOfRange += countHuge(batch);
        this.storage.add(batch);
        break;
      case "pod_usage":
        this.filterLabels(batch, "pod_labels");
        this.outOfRange += countHuge(batch);
        this.pods.add(batch, hourly);
        break;
      case "pod_capacity":
        this.pods.addCapacity(batch);
        break;
    }
  }

  /** Parses and filters each label text the first time it is seen, so a bad text is reported where it was read. */
  private filterLabels(batch: RowGroupBatch, column: string): void {
    const ids = strings(batch, column);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0) continue;
      if (id >= this.labelTexts.filtered.length) this.labelTexts.grow(id + 1);
      if (this.labelTexts.filtered[id] !== -2) continue;
      try {
        this.labelTexts.filtered[id] = this.catalog.filterText(this.interner.strings[id]);
      } catch (err) {
        if (err instanceof LabelTextError) {
          throw new EngineInputError(
            `${batch.location}, row group ${batch.rowGroup}, column ${column}, row ${i}: ${err.message}`,
          );
        }
        throw err;
      }
    }
  }

  /** All rows at once (tests, verify); runs use finishByDay to stream them. */
  finish(): EngineResult {
    const output = this.finishByDay();
    const rows: SummaryRow[] = [];
    for (const day of output.days) for (const row of output.rowsOfDay(day)) rows.push(row);
    return { rows, counts: output.counts, stats: output.stats };
  }

  finishByDay(): EngineOutput {
    const ctx = this.finishContext();
    const caps = computeCapacities(this.pods);
    const roleOf = this.reference.nodeRoles
      ? nodeRolesFromTable(this.reference.nodeRoles)
      : deriveNodeRoles(this.interner, this.nodeLabels, this.pods);
    const podGroups = indexByDay(this.pods.groups);
    const storageGroups = indexByDay(this.storage.groups);
    const volumeNodes = indexByDay(this.pods.volumeNodes);
    const days = [...new Set([...podGroups.keys(), ...storageGroups.keys()])].sort((a, b) => a - b);
    const counts = { pod: 0, storage: 0, unallocated: 0 };
    const none: number[] = [];
    const counted = new Set<number>();
    return {
      days,
      counts,
      stats: this.stats(),
      rowsOfDay: (day) => {
        const podRows = finalizePodRows(ctx, this.pods, caps, podGroups.get(day) ?? none);
        const storageRows = finalizeStorageRows(
          ctx,
          this.storage,
          this.pods,
          storageGroups.get(day) ?? none,
          volumeNodes.get(day) ?? none,
        );
        const unallocated = unallocatedRows(ctx, podRows, roleOf);
        if (!counted.has(day)) {
          counted.add(day);
          counts.pod += podRows.length;
          counts.storage += storageRows.length;
          counts.unallocated += unallocated.length;
        }
        return sortSummaryRows([...podRows, ...storageRows, ...unallocated]);
      },
    };
  }

  private stats(): EngineStats {
    return {
      rowsIn: {
        pod_usage: this.pods.rowsIn,
        storage_usage: this.storage.rowsIn,
        node_labels: this.nodeLabels.rowsIn,
        namespace_labels: this.namespaceLabels.rowsIn,
      },
      rowsInRange: {
        pod_usage: this.pods.rowsInRange,
        storage_usage: this.storage.rowsInRange,
        node_labels: this.nodeLabels.rows.size,
        namespace_labels: this.namespaceLabels.rows.size,
      },
      podGroups: this.pods.groups.size,
      storageGroups: this.storage.groups.size,
      stateBytes: this.pods.bytes + this.storage.bytes + this.labelTexts.filtered.byteLength,
      outOfRangeMeasures: this.outOfRange,
    };
  }

  private finishContext(): FinishContext {
    const nodeMaps = this.distinctMaps(this.nodeLabels);
    const namespaceMaps = this.distinctMaps(this.namespaceLabels);
    const key = new Int32Array(2);
    const patterns = this.reference.costCategories.map((c) => ({
      id: c.cost_category_id,
      matches: compileLike(c.namespace, this.run.kokuSql),
    }));
    const categoryCache = new Map<string, number[]>();
    return {
      run: this.run,
      reference: this.reference,
      interner: this.interner,
      catalog: this.catalog,
      filteredText: (textId) =>
        textId < 0 ? this.catalog.filterText(null) : this.labelTexts.filtered[textId],
      // Label rows join on equality, which a null node or namespace never satisfies.
      nodeMaps: (day, node) => {
        if (node < 0) return undefined;
        key[0] = day;
        key[1] = node;
        const i = nodeMaps.index.get(key);
        return i < 0 ? undefined : nodeMaps.lists[i];
      },
      namespaceMaps: (day, namespace) => {
        if (namespace < 0) return undefined;
        key[0] = day;
        key[1] = namespace;
        const i = namespaceMaps.index.get(key);
        return i < 0 ? undefined : namespaceMaps.lists[i];
      },
      categories: (namespace) => {
        if (namespace === null) return [];
        let cats = categoryCache.get(namespace);
        if (!cats) {
          cats = patterns.filter((p) => p.matches(namespace)).map((p) => p.id);
          categoryCache.set(namespace, cats);
        }
        return cats;
      },
    };
  }

  /** Distinct filtered label maps per (day, entity). */
  private distinctMaps(acc: LabelAccumulator): { index: TupleMap; lists: number[][] } {
    const index = new TupleMap(2, 256);
    const lists: number[][] = [];
    const key = new Int32Array(2);
    for (let r = 0; r < acc.rows.size; r++) {
      key[0] = acc.rows.keyOf(r, 0);
      key[1] = acc.rows.keyOf(r, 1);
      const text = acc.rows.keyOf(r, 2);
      const map = text < 0 ? this.catalog.filterText(null) : this.labelTexts.filtered[text];
      const i = index.getOrAdd(key);
      if (i === lists.length) lists.push([]);
      if (!lists[i].includes(map)) lists[i].push(map);
    }
    return { index, lists };
  }
}

/** Entry indexes of a day-keyed tuple map (day is field 0), per day. */
function indexByDay(map: TupleMap): Map<number, number[]> {
  const byDay = new Map<number, number[]>();
  for (let i = 0; i < map.size; i++) {
    const day = map.keyOf(i, 0);
    const list = byDay.get(day);
    if (list) list.push(i);
    else byDay.set(day, [i]);
  }
  return byDay;
}

const HUGE = 1e18;
function countHuge(batch: RowGroupBatch): number {
  let count = 0;
  for (const col of batch.columns.values()) {
    if (col.kind !== "double") continue;
    const values = col.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v > HUGE || v < -HUGE) count++;
    }
  }
  return count;
}
