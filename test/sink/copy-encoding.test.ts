import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NUMERIC_SUMMARY_COLUMNS, SUMMARY_COLUMNS, type SummaryRow } from "../../src/model.js";
import {
  CopyEncodingError,
  copyColumns,
  encodeCopyNumber,
  encodeCopyRow,
  escapeCopyText,
} from "../../src/sink/copy-encoding.js";
import { podRow } from "./rows.js";

/** Reverses COPY text escaping, as PostgreSQL reads a field. */
function unescapeCopy(field: string): string | null {
  if (field === "\\N") return null;
  return field.replace(/\\(.)/g, (_, ch: string) => ({ t: "\t", n: "\n", r: "\r", "\\": "\\" })[ch] ?? ch);
}

describe("encodeCopyRow", () => {
  it("writes the fields in SUMMARY_COLUMNS order", () => {
    const row = Object.fromEntries(
      SUMMARY_COLUMNS.map((c, i) => [c, NUMERIC_SUMMARY_COLUMNS.has(c) ? i + 0.5 : `value of ${c}`]),
    ) as unknown as SummaryRow;
    const fields = encodeCopyRow(row, 0).slice(0, -1).split("\t");
    expect(fields).toEqual(
      SUMMARY_COLUMNS.map((c, i) => (NUMERIC_SUMMARY_COLUMNS.has(c) ? String(i + 0.5) : `value of ${c}`)),
    );
    expect(copyColumns(false)).toEqual([...SUMMARY_COLUMNS]);
  });

  it("prepends the uuid when given, and matches copyColumns(true)", () => {
    const line = encodeCopyRow(podRow(), 0, "00000000-0000-4000-8000-000000000000");
    expect(line.split("\t")[0]).toBe("00000000-0000-4000-8000-000000000000");
    expect(line.split("\t")).toHaveLength(copyColumns(true).length);
  });

  it("writes nulls as \\N and ends with a newline", () => {
    const line = encodeCopyRow(podRow({ namespace: null, cost_category_id: null }), 0);
    const fields = line.slice(0, -1).split("\t");
    expect(line.endsWith("\n")).toBe(true);
    expect(fields[SUMMARY_COLUMNS.indexOf("namespace")]).toBe("\\N");
    expect(fields[SUMMARY_COLUMNS.indexOf("cost_category_id")]).toBe("\\N");
  });

  it("escaped text never contains a raw separator and unescapes to the original", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }).filter((s) => !s.includes("\0")),
        (text) => {
          const line = encodeCopyRow(podRow({ namespace: text }), 0);
          expect(line.slice(0, -1)).not.toMatch(/[\n\r]/);
          const fields = line.slice(0, -1).split("\t");
          expect(fields).toHaveLength(SUMMARY_COLUMNS.length);
          expect(unescapeCopy(fields[SUMMARY_COLUMNS.indexOf("namespace")] as string)).toBe(text);
        },
      ),
    );
  });

  it("escapes the literal text \\N so it is not read as null", () => {
    expect(escapeCopyText("\\N", "c", 0)).toBe("\\\\N");
  });

  it("refuses NUL characters, naming row and column", () => {
    expect(() => encodeCopyRow(podRow({ node: "a\0b" }), 12)).toThrow(/row 12, column node: .*NUL/);
  });
});

describe("encodeCopyNumber", () => {
  it("keeps full double precision", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Number(encodeCopyNumber(x, "c", 0))).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it("writes NaN as NaN and refuses infinities", () => {
    expect(encodeCopyNumber(Number.NaN, "c", 0)).toBe("NaN");
    expect(() => encodeCopyNumber(Number.NEGATIVE_INFINITY, "cpu", 3)).toThrow(CopyEncodingError);
    expect(() => encodeCopyNumber(Number.POSITIVE_INFINITY, "cpu", 3)).toThrow(
      /row 3, column cpu: value is Infinity/,
    );
  });
});
