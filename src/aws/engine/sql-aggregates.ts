/** SQL aggregate semantics the flow relies on: NULLs ignored, NULL when nothing is left; grouping on NULL-able keys. */

export function maxText(values: Iterable<string | null>): string | null {
  let best: string | null = null;
  for (const v of values) if (v !== null && (best === null || v > best)) best = v;
  return best;
}

export function maxNumber(values: Iterable<number | null>): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && (best === null || v > best)) best = v;
  return best;
}

export function sumNumbers(values: Iterable<number | null>): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null) total = (total ?? 0) + v;
  return total;
}

/** GROUP BY: groups in first-seen order; the key is a tuple of text/number/boolean/null values. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => readonly unknown[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = JSON.stringify(key(item));
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/** x / y with SQL double semantics for our purposes: NULL operands give NULL. */
export function divide(x: number | null, y: number | null): number | null {
  if (x === null || y === null) return null;
  return x / y;
}

export function times(x: number | null, y: number | null): number | null {
  if (x === null || y === null) return null;
  return x * y;
}
