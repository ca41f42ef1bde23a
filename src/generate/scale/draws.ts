/**
 * Small value builders shared by the scale generator's parts: shared read-only series and random hex ids.
 */
import type { SeededRandom } from "../noise.js";
import type { Series } from "../spec.js";

/** Series are read-only once built: share one empty day map, and one object per repeated value. */
const NO_DAY_VALUES: Record<string, number> = Object.freeze({}) as Record<string, number>;
const seriesCache = new Map<string, Series>();

export function series(base: number, jitter: number): Series {
  const key = `${base}|${jitter}`;
  let cached = seriesCache.get(key);
  if (cached === undefined) {
    cached = { base, byDay: NO_DAY_VALUES, jitter };
    // Random bases are unique: caching them would only grow the cache.
    if (jitter === 0) seriesCache.set(key, cached);
  }
  return cached;
}

export function hex(random: SeededRandom, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[random.int(0, 15)];
  return out;
}
