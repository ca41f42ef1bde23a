/**
 * DuckDB macros that render the few expressions where Koku's two summary SQLs differ (spec §12) or
 * where DuckDB's dialect differs from Trino/PostgreSQL. The summary statement itself is shared by both
 * flavors and calls only these macros, so every dialect choice is documented here, once.
 *
 * Labels are DuckDB `MAP(VARCHAR, VARCHAR)` values, like Trino's `map(varchar, varchar)`:
 * - Trino `cast(json_parse(t) as map(varchar,varchar))` → `CAST(CAST(t AS JSON) AS MAP(VARCHAR,VARCHAR))`;
 *   text that is not a JSON object fails the statement, as in Trino (and the spec, §10).
 * - Trino `map_filter(m, (k, v) -> contains(keys, k))` → `map_from_entries(list_filter(map_entries(m), …))`.
 *   `list_contains(NULL, k)` is NULL, so a NULL key list drops every entry, like Trino's `contains`.
 * - Trino `map_concat(a, b, …)` (later map wins on a duplicate key; any NULL argument → NULL): DuckDB's
 *   `map_concat` also lets the later map win but *ignores* NULL arguments, so the NULL rule is explicit.
 * - Map equality (GROUP BY, UNION) is order-insensitive in Trino and jsonb, order-sensitive in DuckDB:
 *   maps are put in key order (`koku_canonical_labels`) before they are grouped or compared.
 * - Trino `json_format(cast(m as json))` / PostgreSQL `jsonb::text` → `to_json` of the key-ordered map
 *   (JSON text; key order and spacing do not matter to the comparison, which parses JSON).
 *
 * PostgreSQL (onprem): `filter_json_by_keys(text, keys)` returns `'{}'` for NULL/blank input and never
 * NULL; `jsonb || jsonb` merges top-level keys, right side winning, like `map_concat`.
 */
import type { KokuSqlFlavor } from "../../model.js";

/** Macros identical in both flavors. */
const COMMON = [
  `CREATE OR REPLACE MACRO koku_parse_labels(t) AS CAST(CAST(t AS JSON) AS MAP(VARCHAR, VARCHAR))`,
  `CREATE OR REPLACE MACRO koku_empty_labels() AS CAST(MAP {} AS MAP(VARCHAR, VARCHAR))`,
  `CREATE OR REPLACE MACRO koku_keep_keys(m, keys) AS
     CAST(map_from_entries(list_filter(map_entries(m), lambda e: list_contains(keys, e.key))) AS MAP(VARCHAR, VARCHAR))`,
  `CREATE OR REPLACE MACRO koku_canonical_labels(m) AS
     CASE WHEN m IS NULL THEN NULL
          ELSE CAST(map_from_entries(list_sort(map_entries(m))) AS MAP(VARCHAR, VARCHAR)) END`,
  `CREATE OR REPLACE MACRO koku_labels_json(m) AS CAST(to_json(koku_canonical_labels(m)) AS VARCHAR)`,
  /* Trino date(x) / PostgreSQL usage_start column → DuckDB CAST(x AS DATE). */
  `CREATE OR REPLACE MACRO koku_day(ts) AS CAST(ts AS DATE)`,
  /* Trino extract(day from last_day_of_month(d)) / PG date_trunc('month', d) + '1 month - 1 day'. */
  `CREATE OR REPLACE MACRO koku_days_in_month(d) AS CAST(extract(day FROM last_day(CAST(d AS DATE))) AS INTEGER)`,
];

const TRINO = [
  /* array['vm_kubevirt_io_name'] || array_agg(key): Trino's || with a NULL array is NULL (spec §2.5). */
  `CREATE OR REPLACE MACRO koku_enabled_keys(agg) AS
     CASE WHEN agg IS NULL THEN NULL ELSE list_concat(['vm_kubevirt_io_name'], agg) END`,
  /* map_filter(cast(json_parse(t) as map), …): a NULL text gives a NULL map. */
  `CREATE OR REPLACE MACRO koku_filter_labels(t, keys) AS
     CASE WHEN t IS NULL THEN NULL ELSE koku_keep_keys(koku_parse_labels(t), keys) END`,
  `CREATE OR REPLACE MACRO koku_merge3(a, b, c) AS
     CASE WHEN a IS NULL OR b IS NULL OR c IS NULL THEN NULL ELSE map_concat(a, b, c) END`,
  `CREATE OR REPLACE MACRO koku_merge4(a, b, c, d) AS
     CASE WHEN a IS NULL OR b IS NULL OR c IS NULL OR d IS NULL THEN NULL ELSE map_concat(a, b, c, d) END`,
  /* Trino greatest() is NULL if any argument is NULL; DuckDB's skips NULLs. */
  `CREATE OR REPLACE MACRO koku_greatest(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE greatest(a, b) END`,
  /* Trino: max(nc.…) stays NULL when the node has no hourly capacity rows. */
  `CREATE OR REPLACE MACRO koku_capacity(x) AS x`,
  /* Trino: sum(…) / max(nc.node_count); NULL node count → NULL. */
  `CREATE OR REPLACE MACRO koku_node_divisor(x) AS x`,
  /* Trino LIKE without ESCAPE has no escape character; DuckDB's LIKE has none by default either. */
  `CREATE OR REPLACE MACRO koku_like(s, p) AS s LIKE p`,
];

const ONPREM = [
  /* PostgreSQL's || ignores a NULL array: vm_kubevirt_io_name stays enabled (spec §12). */
  `CREATE OR REPLACE MACRO koku_enabled_keys(agg) AS list_concat(['vm_kubevirt_io_name'], coalesce(agg, []))`,
  /* filter_json_by_keys: NULL or blank (btrim) text → '{}'; never NULL. */
  `CREATE OR REPLACE MACRO koku_filter_labels(t, keys) AS
     CASE WHEN t IS NULL OR trim(t) = '' THEN koku_empty_labels()
          ELSE koku_keep_keys(koku_parse_labels(t), keys) END`,
  /* COALESCE(COALESCE(a,'{}') || COALESCE(b,'{}') || …, '{}'). */
  `CREATE OR REPLACE MACRO koku_merge3(a, b, c) AS
     map_concat(coalesce(a, koku_empty_labels()), coalesce(b, koku_empty_labels()), coalesce(c, koku_empty_labels()))`,
  `CREATE OR REPLACE MACRO koku_merge4(a, b, c, d) AS
     map_concat(coalesce(a, koku_empty_labels()), coalesce(b, koku_empty_labels()),
                coalesce(c, koku_empty_labels()), coalesce(d, koku_empty_labels()))`,
  /* PostgreSQL greatest() skips NULLs, as DuckDB's does. */
  `CREATE OR REPLACE MACRO koku_greatest(a, b) AS greatest(a, b)`,
  /* COALESCE(max(nc.…), 0). */
  `CREATE OR REPLACE MACRO koku_capacity(x) AS coalesce(x, 0)`,
  /* COALESCE(max(nc.node_count), 1). */
  `CREATE OR REPLACE MACRO koku_node_divisor(x) AS coalesce(x, 1)`,
  /* PostgreSQL LIKE: backslash is the default escape character. */
  `CREATE OR REPLACE MACRO koku_like(s, p) AS like_escape(s, p, '\\')`,
];

/** The statements that define the macros of `flavor`, to run before the summary statements. */
export function flavorMacros(flavor: KokuSqlFlavor): string[] {
  return [...COMMON, ...(flavor === "trino" ? TRINO : ONPREM)];
}
