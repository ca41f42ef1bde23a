/**
 * Exact floating-point sums (Shewchuk's algorithm, as Python's math.fsum), one accumulator per slot, all in
 * typed arrays. Exactness makes results independent of row order, file order and chunking (spec §10): every
 * run stores the same digits. Each slot keeps up to INLINE non-overlapping partials inline (almost always
 * enough); a slot that needs more spills to a small JS array.
 *
 * SQL semantics ride along: a slot that never saw a non-null value is null; NaN and ±Infinity are summed
 * apart (IEEE rules) and dominate the finite part, as in a plain double sum.
 */
const INLINE = 3; // three partials cover all but a handful of sums (measured: 2 of 363K slots spill at 1M rows)
const SPILLED = 255;

export class ExactSums {
  private partials: Float64Array;
  private counts: Uint8Array;
  private seen: Uint8Array;
  private special: Float64Array;
  private readonly spill = new Map<number, number[]>();
  private capacity: number;

  constructor(initialSlots = 1024) {
    this.capacity = Math.max(16, initialSlots);
    this.partials = new Float64Array(this.capacity * INLINE);
    this.counts = new Uint8Array(this.capacity);
    this.seen = new Uint8Array(this.capacity);
    this.special = new Float64Array(this.capacity);
  }

  /** Makes slots 0..slots-1 addressable. */
  ensure(slots: number): void {
    if (slots <= this.capacity) return;
    let cap = this.capacity;
    while (cap < slots) cap *= 2;
    this.partials = grow(this.partials, cap * INLINE);
    this.counts = grow(this.counts, cap);
    this.seen = grow(this.seen, cap);
    this.special = grow(this.special, cap);
    this.capacity = cap;
  }

  /** Adds a value; null (undefined semantics handled by the caller) is simply not added. */
  add(slot: number, x: number): void {
    this.seen[slot] = 1;
    if (x === 0) return;
    if (x - x !== 0) {
      // NaN or ±Infinity
      this.special[slot] += x;
      return;
    }
    const count = this.counts[slot];
    if (count === SPILLED) {
      growPartials(this.spill.get(slot) as number[], x);
      return;
    }
    const p = this.partials;
    const base = slot * INLINE;
    let i = 0;
    for (let k = 0; k < count; k++) {
      let y = p[base + k];
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[base + i++] = lo;
      x = hi;
    }
    if (i < INLINE) {
      p[base + i] = x;
      this.counts[slot] = i + 1;
    } else {
      const list: number[] = [];
      for (let k = 0; k < INLINE; k++) list.push(p[base + k]);
      list.push(x);
      this.spill.set(slot, list);
      this.counts[slot] = SPILLED;
    }
  }

  /** Marks a slot as having seen a value without changing its sum (SQL: sum of zeros is 0, not null). */
  touch(slot: number): void {
    this.seen[slot] = 1;
  }

  isNull(slot: number): boolean {
    return this.seen[slot] === 0;
  }

  /** Adds `times` copies of another accumulator's exact content into `slot`. */
  addFrom(slot: number, from: ExactSums, fromSlot: number, times: number): void {
    if (from.seen[fromSlot] === 0) return;
    const count = from.counts[fromSlot];
    const special = from.special[fromSlot];
    for (let t = 0; t < times; t++) {
      this.seen[slot] = 1;
      if (special !== 0) this.special[slot] += special;
      if (count === SPILLED) {
        for (const part of from.spill.get(fromSlot) as number[]) this.add(slot, part);
      } else {
        const base = fromSlot * INLINE;
        for (let k = 0; k < count; k++) this.add(slot, from.partials[base + k]);
      }
    }
  }

  /** The correctly rounded sum, or null when no value was ever added. */
  value(slot: number): number | null {
    if (this.seen[slot] === 0) return null;
    const finite = roundPartials(this.partialsOf(slot));
    const special = this.special[slot];
    return special === 0 ? finite : finite + special;
  }

  private partialsOf(slot: number): number[] {
    const count = this.counts[slot];
    if (count === SPILLED) return this.spill.get(slot) as number[];
    const out: number[] = [];
    for (let k = 0; k < count; k++) out.push(this.partials[slot * INLINE + k]);
    return out;
  }

  get bytes(): number {
    return this.partials.byteLength + this.counts.byteLength + this.seen.byteLength + this.special.byteLength;
  }
}

/** Exact sum of a list of doubles, correctly rounded (math.fsum). */
export function fsum(values: Iterable<number>): number {
  const partials: number[] = [];
  let special = 0;
  for (const v of values) {
    if (v - v !== 0) special += v;
    else if (v !== 0) growPartials(partials, v);
  }
  const finite = roundPartials(partials);
  return special === 0 ? finite : finite + special;
}

function growPartials(partials: number[], x: number): void {
  let i = 0;
  for (let k = 0; k < partials.length; k++) {
    let y = partials[k];
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
}

/** Rounds non-overlapping partials (ascending magnitude) to the nearest double, ties as fsum does. */
function roundPartials(partials: number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  n--;
  let hi = partials[n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    n--;
    const y = partials[n];
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}

function grow<T extends Float64Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}
