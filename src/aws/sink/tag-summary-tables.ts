/**
 * Koku's first source of matched tags (spec §3, step 2): its PostgreSQL tag-summary tables, read as
 * `sql/aws/openshift/reporting_ocpaws_matched_tags.sql` reads them (aws_report_db_accessor.py
 * `get_openshift_on_cloud_matched_tags`, Koku 768be825). Only when that gives nothing does Koku run the Trino
 * discovery over the range's rows (aws/engine/matched-tags.ts).
 *
 * Koku's query, in its own words: AWS keys of `reporting_awstags_summary` that have any
 * `reporting_enabledtagkeys` row (any provider, enabled or not), paired case-insensitively with OCP keys of
 * `reporting_ocptags_values` that have an OCP row there (enabled or not); the (key, value) pairs of
 * `reporting_awstags_values` and `reporting_ocptags_values` for those keys (an AWS, resp. OCP, row of the
 * enabled-keys table needed), joined on lower(key) and lower(value); the AWS spelling is kept. The bill id Koku
 * passes is not used by the statement: all values ever summarised count, not just the range's.
 */
import type pg from "pg";
import { qualifiedName, relationExists } from "../../sink/sql.js";
import { matchedTagString } from "../engine/json-text.js";

export const TAG_SUMMARY_TABLES = [
  "reporting_enabledtagkeys",
  "reporting_awstags_summary",
  "reporting_awstags_values",
  "reporting_ocptags_values",
] as const;

export interface StoredTagMatches {
  /** `"key": "value"` strings (Koku's json.dumps without braces), sorted. */
  tags: string[];
  /** (key, value) as the query returned them (AWS spelling), in the same order. */
  pairs: { key: string; value: string }[];
}

/** The matched tags Koku's PostgreSQL lookup finds, or null when one of its tables is missing from the schema. */
export async function readStoredTagMatches(
  client: pg.ClientBase,
  schema: string,
): Promise<StoredTagMatches | null> {
  for (const table of TAG_SUMMARY_TABLES) {
    if (!(await relationExists(client, schema, table))) return null;
  }
  const t = (name: (typeof TAG_SUMMARY_TABLES)[number]) => qualifiedName(schema, name);
  // Paraphrase of Koku's reporting_ocpaws_matched_tags.sql (PostgreSQL), same joins and case rules.
  const found = await client.query<{ key: string; value: string }>(
    `WITH aws_keys AS (
       SELECT DISTINCT ts.key FROM ${t("reporting_awstags_summary")} ts
         JOIN ${t("reporting_enabledtagkeys")} en ON lower(en.key) = lower(ts.key)
     ), ocp_keys AS (
       SELECT DISTINCT ts.key FROM ${t("reporting_ocptags_values")} ts
         JOIN ${t("reporting_enabledtagkeys")} en ON lower(en.key) = lower(ts.key)
        WHERE en.provider_type = 'OCP'
     ), matched_keys AS (
       SELECT DISTINCT aws.key AS aws_key, ocp.key AS ocp_key
         FROM aws_keys aws JOIN ocp_keys ocp ON lower(aws.key) = lower(ocp.key)
     ), aws_pairs AS (
       SELECT DISTINCT ts.key, ts.value FROM ${t("reporting_awstags_values")} ts
         JOIN ${t("reporting_enabledtagkeys")} en ON lower(en.key) = lower(ts.key)
        WHERE ts.key IN (SELECT aws_key FROM matched_keys) AND en.provider_type = 'AWS'
     ), ocp_pairs AS (
       SELECT DISTINCT ts.key, ts.value FROM ${t("reporting_ocptags_values")} ts
         JOIN ${t("reporting_enabledtagkeys")} en ON lower(en.key) = lower(ts.key)
        WHERE ts.key IN (SELECT ocp_key FROM matched_keys) AND en.provider_type = 'OCP'
     )
     SELECT aws.key, aws.value
       FROM aws_pairs aws
       JOIN ocp_pairs ocp ON lower(aws.key) = lower(ocp.key) AND lower(aws.value) = lower(ocp.value)`,
  );
  // Koku keeps every joined row (no DISTINCT on the result); duplicates collapse in the search-string list.
  const byTag = new Map<string, { key: string; value: string }>();
  for (const row of found.rows) byTag.set(matchedTagString(row.key, row.value), row);
  const tags = [...byTag.keys()].sort();
  return { tags, pairs: tags.map((tag) => byTag.get(tag) as { key: string; value: string }) };
}
