/**
 * "Which of these strings does a text contain?" (Koku's `strpos(aws.resource_id, ocp.x) != 0` joins) without
 * testing every pair: needles are grouped by length and every substring of the text of such a length is looked
 * up. Exactly the contains relation, in O(text length × distinct needle lengths) per text.
 */
export class ContainedIndex<T> {
  private readonly byLength = new Map<number, Map<string, T[]>>();

  add(needle: string, value: T): void {
    if (needle === "") return; // strpos(x, '') is 1 in Trino, but Koku's joins exclude empty keys first
    let sized = this.byLength.get(needle.length);
    if (!sized) {
      sized = new Map();
      this.byLength.set(needle.length, sized);
    }
    const list = sized.get(needle);
    if (list) list.push(value);
    else sized.set(needle, [value]);
  }

  /** The values of every needle contained in `text`, each needle once. */
  find(text: string): T[] {
    const found: T[] = [];
    for (const [length, sized] of this.byLength) {
      const seen = new Set<string>();
      for (let i = 0; i + length <= text.length; i++) {
        const part = text.slice(i, i + length);
        if (seen.has(part)) continue;
        const values = sized.get(part);
        if (values) {
          seen.add(part);
          for (const v of values) found.push(v);
        }
      }
    }
    return found;
  }
}

/** One index per day: `key(row)` of every row (rows without a key are skipped). */
export function indexByDay<T>(
  rows: readonly T[],
  day: (row: T) => string,
  key: (row: T) => string | null | undefined,
): Map<string, ContainedIndex<T>> {
  const out = new Map<string, ContainedIndex<T>>();
  for (const row of rows) {
    const k = key(row);
    if (!k) continue;
    let index = out.get(day(row));
    if (!index) {
      index = new ContainedIndex<T>();
      out.set(day(row), index);
    }
    index.add(k, row);
  }
  return out;
}
