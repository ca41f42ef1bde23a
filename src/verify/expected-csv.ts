/**
 * Reads the sample fixtures' expected-row CSV (test/fixtures/koku-samples/README.md): a header of
 * SUMMARY_COLUMNS, `\N` for NULL, an empty field for the empty string, RFC 4180 quoting with `""`.
 */
import { readFileSync } from "node:fs";
import { NUMERIC_SUMMARY_COLUMNS, SUMMARY_COLUMNS, type SummaryColumn } from "../model.js";
import type { Row } from "./columns.js";

export type ExpectedRow = Row;

/** A parsed CSV field; `quoted` keeps `"\N"` (the text) apart from `\N` (NULL). */
interface CsvField {
  text: string;
  quoted: boolean;
}

/** Splits CSV text into records of fields; quoted fields may hold commas, quotes and newlines. */
export function parseCsvRecords(text: string): CsvField[][] {
  const records: CsvField[][] = [];
  let record: CsvField[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const quoteAt = text.indexOf('"', i);
        if (quoteAt < 0) throw new Error("CSV: unterminated quoted field");
        value += text.slice(i, quoteAt);
        i = quoteAt + 1;
        if (text[i] !== '"') break;
        value += '"';
        i++;
      }
      record.push({ text: value, quoted: true });
    } else {
      let end = i;
      while (end < n && text[end] !== "," && text[end] !== "\n" && text[end] !== "\r") end++;
      record.push({ text: text.slice(i, end), quoted: false });
      i = end;
    }
    if (i >= n) {
      records.push(record);
      break;
    }
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\r") i++;
    if (text[i] !== "\n" && i < n)
      throw new Error(`CSV: unexpected character after quoted field at offset ${i}`);
    i++;
    records.push(record);
    record = [];
    if (i >= n) break;
  }
  return records;
}

function toValue(column: SummaryColumn, field: CsvField, where: string): string | number | null {
  if (!field.quoted && field.text === "\\N") return null;
  if (!NUMERIC_SUMMARY_COLUMNS.has(column)) return field.text;
  // Number() accepts "NaN", "Infinity", "-Infinity" and full-precision decimals/exponents.
  const value = field.text.trim() === "" ? Number.NaN : Number(field.text);
  if (Number.isNaN(value) && field.text !== "NaN") {
    throw new Error(`${where}: column ${column} is not a number: ${JSON.stringify(field.text)}`);
  }
  return value;
}

/** Parses expected-CSV text; `source` names it in error messages. */
export function parseExpectedCsv(text: string, source = "expected CSV"): ExpectedRow[] {
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new Error(`${source}: empty file, no header`);
  const header = records[0].map((f) => f.text);
  const unknown = header.filter((h) => !(SUMMARY_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) throw new Error(`${source}: unknown columns ${unknown.join(", ")}`);
  const missing = SUMMARY_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${source}: missing columns ${missing.join(", ")}`);
  const columns = header as SummaryColumn[];
  const rows: ExpectedRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    // A blank line (one empty unquoted field) is not a row.
    if (record.length === 1 && !record[0].quoted && record[0].text === "") continue;
    const where = `${source} line-record ${r + 1}`;
    if (record.length !== columns.length) {
      throw new Error(`${where}: ${record.length} fields, header has ${columns.length}`);
    }
    const row = {} as ExpectedRow;
    for (let c = 0; c < columns.length; c++) row[columns[c]] = toValue(columns[c], record[c], where);
    rows.push(row);
  }
  return rows;
}

/** Reads an expected-rows CSV file (fixtures' expected.csv / expected-onprem.csv). */
export function readExpectedCsv(path: string): ExpectedRow[] {
  return parseExpectedCsv(readFileSync(path, "utf8"), path);
}
