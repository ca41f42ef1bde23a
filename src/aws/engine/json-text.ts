/**
 * The JSON texts the OCP-on-AWS flow handles, serialised the way Koku's producers do:
 * - Trino's `json_format(cast(map as json))`: compact, keys sorted (label and tag maps in the flow);
 * - Python's `json.dumps` (default separators, ASCII only): CUR `resourcetags` and the matched-tag strings.
 */

export class TagTextError extends Error {}

/** A JSON object of strings as [key, value] pairs; null for SQL null. Numbers/booleans become text like Trino's cast. */
export function parseStringMap(text: string | null): [string, string][] | null {
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TagTextError(`not JSON: ${preview(text)}`);
  }
  if (parsed === null) return null;
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TagTextError(`not a JSON object: ${preview(text)}`);
  }
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null) continue; // a null value cannot be a map(varchar, varchar) entry that matters
    if (typeof value === "object")
      throw new TagTextError(`tag ${JSON.stringify(key)} is not text in ${preview(text)}`);
    pairs.push([key, String(value)]);
  }
  return pairs;
}

/** Trino's json_format of a map(varchar, varchar): `{"a":"1","b":"2"}`, keys in code-unit order. */
export function compactSortedJson(pairs: readonly [string, string][]): string {
  const sorted = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
}

/** map_filter(cast(json_parse(text) as map), (k, v) -> keep(k)) serialised; null text stays null. */
export function filterMapText(text: string | null, keep: (key: string) => boolean): string | null {
  const pairs = parseStringMap(text);
  if (pairs === null) return null;
  return compactSortedJson(pairs.filter(([k]) => keep(k)));
}

/** map_concat(a, b) serialised (b wins on equal keys); null when either is null (Trino). */
export function concatMapTexts(a: string | null, b: string | null): string | null {
  const left = parseStringMap(a);
  const right = parseStringMap(b);
  if (left === null || right === null) return null;
  const merged = new Map<string, string>(left);
  for (const [k, v] of right) merged.set(k, v);
  return compactSortedJson([...merged]);
}

/** json_query(text, 'strict $.key' OMIT QUOTES): the value of a top-level key, or null. */
export function jsonValueOf(text: string | null, key: string): string | null {
  const pairs = parseStringMap(text);
  if (pairs === null) return null;
  for (const [k, v] of pairs) if (k === key) return v;
  return null;
}

/** Python's json.dumps of a string (ensure_ascii): the quoting used in CUR resourcetags and matched tags. */
export function pythonJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `json.dumps({key: value})` without the braces, as Koku turns a matched tag into a search string. */
export function matchedTagString(key: string, value: string): string {
  return `${pythonJsonString(key)}: ${pythonJsonString(value)}`;
}

/** Python's json.dumps of a dict of strings (default separators), e.g. a CUR resourcetags value. */
export function pythonJsonObject(pairs: readonly [string, string][]): string {
  return `{${pairs.map(([k, v]) => matchedTagString(k, v)).join(", ")}}`;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
