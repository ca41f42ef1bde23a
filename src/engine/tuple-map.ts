/**
 * Open-addressing hash map from fixed-width integer tuples to dense indexes 0..size-1.
 * Keys live in one Int32Array; no per-entry objects, so millions of groups cost a few bytes each.
 */
export class TupleMap {
  private keys: Int32Array;
  private slots: Int32Array; // slot → entry index, -1 empty
  private mask: number;
  size = 0;

  constructor(
    readonly arity: number,
    initialCapacity = 1024,
  ) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.keys = new Int32Array(Math.max(16, initialCapacity) * arity);
  }

  /** Index of the tuple in `key` (first `arity` values), inserting it when new. */
  getOrAdd(key: ArrayLike<number>): number {
    const arity = this.arity;
    let h = hashTuple(key, arity) & this.mask;
    const slots = this.slots;
    const keys = this.keys;
    for (;;) {
      const entry = slots[h];
      if (entry < 0) break;
      const base = entry * arity;
      let same = true;
      for (let i = 0; i < arity; i++) {
        if (keys[base + i] !== key[i]) {
          same = false;
          break;
        }
      }
      if (same) return entry;
      h = (h + 1) & this.mask;
    }
    const index = this.size++;
    if ((index + 1) * arity > this.keys.length) {
      const grown = new Int32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    const base = index * arity;
    for (let i = 0; i < arity; i++) this.keys[base + i] = key[i];
    slots[h] = index;
    if (this.size * 2 > this.mask) this.rehash();
    return index;
  }

  /** Index of the tuple, or -1. */
  get(key: ArrayLike<number>): number {
    const arity = this.arity;
    let h = hashTuple(key, arity) & this.mask;
    for (;;) {
      const entry = this.slots[h];
      if (entry < 0) return -1;
      const base = entry * arity;
      let same = true;
      for (let i = 0; i < arity; i++) {
        if (this.keys[base + i] !== key[i]) {
          same = false;
          break;
        }
      }
      if (same) return entry;
      h = (h + 1) & this.mask;
    }
  }

  /** Component `field` of entry `index`. */
  keyOf(index: number, field: number): number {
    return this.keys[index * this.arity + field];
  }

  /** Bytes held, for the state-per-group report. */
  get bytes(): number {
    return this.keys.byteLength + this.slots.byteLength;
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    const key = new Int32Array(this.arity);
    for (let index = 0; index < this.size; index++) {
      for (let i = 0; i < this.arity; i++) key[i] = this.keys[index * this.arity + i];
      let h = hashTuple(key, this.arity) & mask;
      while (slots[h] >= 0) h = (h + 1) & mask;
      slots[h] = index;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hashTuple(key: ArrayLike<number>, arity: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < arity; i++) {
    h = Math.imul(h ^ key[i], 0x01000193);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
  return (h ^ (h >>> 16)) >>> 0;
}
