import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExactSums, fsum } from "../../src/engine/exact-sum.js";

function sumAll(values: number[]): number | null {
  const sums = new ExactSums(4);
  sums.ensure(1);
  for (const v of values) sums.add(0, v);
  return sums.value(0);
}

describe("exact sums", () => {
  it("rounds once, like math.fsum", () => {
    expect(sumAll(Array(10).fill(0.1))).toBe(1);
    expect(sumAll([1e100, 1, -1e100])).toBe(1);
    expect(sumAll([2 ** 53, 1, 1])).toBe(2 ** 53 + 2);
    expect(fsum([1e300, 3, -1e300, 1e-300])).toBe(3);
  });

  it("is null until a value arrives, and a sum of zeros is 0", () => {
    const sums = new ExactSums(4);
    sums.ensure(2);
    expect(sums.value(0)).toBeNull();
    sums.add(1, 0);
    expect(sums.value(1)).toBe(0);
  });

  it("lets NaN and infinities dominate", () => {
    expect(sumAll([1, Number.NaN, 2])).toBeNaN();
    expect(sumAll([1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(sumAll([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBeNaN();
  });

  it("does not depend on order or on how partial sums are merged (spills included)", () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
    fc.assert(
      fc.property(fc.array(finite, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), (values, times) => {
        const forward = sumAll(values);
        const backward = sumAll([...values].reverse());
        expect(backward).toBe(forward);
        expect(forward ?? 0).toBe(fsum(values));
        // merged from two halves, `times` copies: equal to summing the repeated list
        const left = new ExactSums(4);
        left.ensure(2);
        const half = values.length >> 1;
        for (const v of values.slice(0, half)) left.add(0, v);
        for (const v of values.slice(half)) left.add(1, v);
        const merged = new ExactSums(4);
        merged.ensure(1);
        merged.addFrom(0, left, 0, times);
        merged.addFrom(0, left, 1, times);
        const repeated = Array.from({ length: times }, () => values).flat();
        expect(merged.value(0) ?? 0).toBe(fsum(repeated));
      }),
      { numRuns: 300 },
    );
  });
});
