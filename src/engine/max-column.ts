/** Per-group max() over doubles with SQL null semantics (null until a non-null value arrives; NaN ranks highest). */
export class MaxColumn {
  values: Float64Array;
  has: Uint8Array;

  constructor(initial = 1024) {
    this.values = new Float64Array(initial);
    this.has = new Uint8Array(initial);
  }

  ensure(size: number): void {
    if (size <= this.values.length) return;
    let cap = this.values.length;
    while (cap < size) cap *= 2;
    const values = new Float64Array(cap);
    values.set(this.values);
    const has = new Uint8Array(cap);
    has.set(this.has);
    this.values = values;
    this.has = has;
  }

  add(index: number, x: number): void {
    if (this.has[index] === 0) {
      this.values[index] = x;
      this.has[index] = 1;
    } else {
      const cur = this.values[index];
      if (Number.isNaN(cur)) return;
      if (Number.isNaN(x) || x > cur) this.values[index] = x;
    }
  }

  get(index: number): number | null {
    return this.has[index] === 0 ? null : this.values[index];
  }

  get bytes(): number {
    return this.values.byteLength + this.has.byteLength;
  }
}
