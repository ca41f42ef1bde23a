/**
 * Label texts exactly as Koku's ingest writes them: Python's `json.dumps` of the label dict
 * (`{"app": "web", "env": "prod"}`: ", " and ": " separators, non-ASCII as \uXXXX escapes, keys in
 * insertion order), and the operator's `label_a:b|label_c:d` form that nise descriptions use.
 */
import type { Labels } from "./spec.js";

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** A JSON string literal the way Python's json module writes it with ensure_ascii (the default). */
export function pythonJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    // UTF-16 code units map 1:1 to Python's \uXXXX output, surrogate pairs included.
    else if (code < 0x20 || code > 0x7e)
      out += code === 0x7f ? ch : `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `json.dumps(labels)`; null stays null (a null label text). */
export function labelsToKokuJson(labels: Labels | null): string | null {
  if (labels === null) return null;
  const parts = Object.entries(labels).map(([k, v]) => `${pythonJsonString(k)}: ${pythonJsonString(v)}`);
  return `{${parts.join(", ")}}`;
}

/**
 * Parse the operator's label string as Koku does: split on `|`, skip parts without exactly one `:`,
 * drop every `label_` from the key.
 */
export function parseOperatorLabels(text: string | null | undefined): Labels {
  const labels: Labels = {};
  if (!text) return labels;
  for (const part of text.split("|")) {
    const pieces = part.split(":");
    if (pieces.length !== 2) continue;
    labels[pieces[0].replaceAll("label_", "")] = pieces[1];
  }
  return labels;
}
