/**
 * SQL LIKE for cost-category namespace patterns: `%` any run, `_` any one character, case-sensitive.
 * Trino's LIKE without ESCAPE has no escape character; PostgreSQL's LIKE escapes with backslash (spec §12).
 */
import type { KokuSqlFlavor } from "../model.js";

export function compileLike(pattern: string, flavor: KokuSqlFlavor): (text: string) => boolean {
  let source = "";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (flavor === "onprem" && c === "\\") {
      // A trailing lone backslash matches nothing in PostgreSQL ("LIKE pattern must not end with escape").
      if (i + 1 >= chars.length) return () => false;
      source += escapeRegExp(chars[++i]);
    } else if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else source += escapeRegExp(c);
  }
  const re = new RegExp(`^${source}$`, "u");
  return (text) => re.test(text);
}

function escapeRegExp(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
