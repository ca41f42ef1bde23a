/**
 * Label maps: parsing the `*_labels` JSON text, filtering to enabled keys, merging with precedence.
 * Every distinct map gets an id (its canonical JSON, keys sorted, is its identity), so grouping and merging
 * work on integers and each distinct text is parsed once.
 */
import type { KokuSqlFlavor } from "../model.js";
import { VM_LABEL_KEY } from "../model.js";

/** The null map (a null label text under Trino's rules, spec §12). */
export const NULL_MAP = -1;
/** `{}`. */
export const EMPTY_MAP = 0;

export class LabelTextError extends Error {}

export class LabelCatalog {
  private readonly entries: [string, string][][] = [[]];
  private readonly json: string[] = ["{}"];
  private readonly fragments: string[][] = [[]];
  private readonly byJson = new Map<string, number>([["{}", EMPTY_MAP]]);
  private readonly enabled: Set<string> | null;
  private readonly mergeCache = new Map<string, number>();

  constructor(
    readonly flavor: KokuSqlFlavor,
    enabledTagKeys: readonly string[],
  ) {
    // Koku: array['vm_kubevirt_io_name'] || array_agg(key). With no OCP key enabled array_agg is null:
    // Trino's || then yields null (every label dropped), PostgreSQL's || ignores it (spec §2.5).
    if (enabledTagKeys.length === 0 && flavor === "trino") this.enabled = null;
    else this.enabled = new Set([VM_LABEL_KEY, ...enabledTagKeys]);
  }

  /**
   * The filtered map of one label text (null = SQL null). Throws LabelTextError for text that is not a JSON
   * object of strings; the caller adds file/column context.
   */
  filterText(text: string | null): number {
    if (text === null) return this.flavor === "trino" ? NULL_MAP : EMPTY_MAP;
    if (this.flavor === "onprem" && text.trim() === "") return EMPTY_MAP; // filter_json_by_keys: blank → {}
    const parsed = parseLabelText(text);
    if (parsed === null) return this.flavor === "trino" ? NULL_MAP : EMPTY_MAP;
    const kept: [string, string][] = [];
    if (this.enabled) {
      for (const [key, value] of parsed) if (this.enabled.has(key)) kept.push([key, value]);
    }
    return this.idOf(kept);
  }

  /** merge(a, b, …): later maps win on duplicate keys; any null argument makes the result null (spec §4). */
  merge(ids: readonly number[]): number {
    let nonEmpty = -1;
    let nonEmptyCount = 0;
    for (const id of ids) {
      if (id === NULL_MAP) return NULL_MAP;
      if (id !== EMPTY_MAP) {
        nonEmpty = id;
        nonEmptyCount++;
      }
    }
    if (nonEmptyCount <= 1) return nonEmptyCount === 0 ? EMPTY_MAP : nonEmpty; // nothing to merge
    const cacheKey = ids.length === 3 ? `${ids[0]},${ids[1]},${ids[2]}` : ids.join(",");
    const cached = this.mergeCache.get(cacheKey);
    if (cached !== undefined) return cached;
    // Every map's entries are sorted by key: a k-way merge keeps them sorted, the later map winning ties,
    // and the JSON is assembled from each entry's precomputed fragment.
    const cursors = ids.map(() => 0);
    const pairs: [string, string][] = [];
    const fragments: string[] = [];
    for (;;) {
      let smallest: string | null = null;
      for (let m = 0; m < ids.length; m++) {
        const entries = this.entries[ids[m]];
        if (cursors[m] < entries.length) {
          const key = entries[cursors[m]][0];
          if (smallest === null || key < smallest) smallest = key;
        }
      }
      if (smallest === null) break;
      let winner = -1;
      let winnerIndex = -1;
      for (let m = 0; m < ids.length; m++) {
        const entries = this.entries[ids[m]];
        if (cursors[m] < entries.length && entries[cursors[m]][0] === smallest) {
          winner = m;
          winnerIndex = cursors[m]++;
        }
      }
      pairs.push(this.entries[ids[winner]][winnerIndex]);
      fragments.push(this.fragments[ids[winner]][winnerIndex]);
    }
    const result = this.register(pairs, fragments);
    this.mergeCache.set(cacheKey, result);
    return result;
  }

  /** JSON text of a map id (null for the null map). */
  toJson(id: number): string | null {
    return id === NULL_MAP ? null : this.json[id];
  }

  private idOf(pairs: [string, string][]): number {
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return this.register(
      pairs,
      pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`),
    );
  }

  /** The id of a map given its key-sorted entries and their JSON fragments. */
  private register(pairs: [string, string][], fragments: string[]): number {
    const text = `{${fragments.join(",")}}`;
    let id = this.byJson.get(text);
    if (id === undefined) {
      id = this.json.length;
      this.json.push(text);
      this.entries.push(pairs);
      this.fragments.push(fragments);
      this.byJson.set(text, id);
    }
    return id;
  }
}

/**
 * Parses a label text into key/value pairs (last duplicate wins, as JSON.parse does). Returns null for the JSON
 * literal `null`. Throws LabelTextError for anything else that is not an object of string values.
 */
export function parseLabelText(text: string): [string, string][] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LabelTextError(`label text is not valid JSON: ${preview(text)}`);
  }
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new LabelTextError(`label text is not a JSON object: ${preview(text)}`);
  }
  const pairs: [string, string][] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") {
      throw new LabelTextError(`label ${JSON.stringify(key)} has a non-text value in ${preview(text)}`);
    }
    pairs.push([key, v]);
  }
  return pairs;
}

function preview(text: string): string {
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(shown);
}
