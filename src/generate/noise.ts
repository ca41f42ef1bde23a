/**
 * Deterministic noise and choices by seed. Values are a pure function of (seed, entity, interval), not
 * of a running generator state, so row-group size, file split and write order never change the data.
 */

/** A 32-bit mix (lowbias32 by Chris Wellons): good avalanche, cheap. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) from up to three integer coordinates. */
export function unitNoise(seed: number, a: number, b = 0, c = 0): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ a);
  h = mix32(h ^ Math.imul(b, 0x85ebca6b));
  h = mix32(h ^ Math.imul(c, 0xc2b2ae35));
  return h / 4294967296;
}

/** A stable 32-bit hash of a string (FNV-1a), to turn names into noise coordinates. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A sequential generator for building descriptions (scale presets); also seeded. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed ^ 0x6a09e667) || 1;
  }

  /** Uniform in [0, 1). */
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Lowercase letters and digits, like Kubernetes' generated name suffixes. */
  suffix(length: number): string {
    const alphabet = "bcdfghjklmnpqrstvwxz2456789";
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}
