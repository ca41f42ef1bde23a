/**
 * Koku's tenant tables that an OCP-on-AWS run reads when present, created here in Koku's shape (Django models at
 * 768be825: reporting/provider/{all,aws,ocp}/models.py, cost_models/models.py; UUIDField → uuid, TextField → text,
 * ArrayField(TextField) → text[], JSONField → jsonb, FK → deferrable constraint). Foreign keys to tables we do not
 * create (reporting_awscostentrybill, reporting_awsaccountalias) are plain nullable columns here.
 */
import type pg from "pg";

const q = (schema: string, table: string) => `"${schema}".${table}`;

export async function createTagSummaryTables(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${q(schema, "reporting_enabledtagkeys")} (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key varchar(512) NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    provider_type varchar(50) NOT NULL,
    CONSTRAINT reporting_enabledtagkeys_key_provider_type_uniq UNIQUE (key, provider_type))`);
  await client.query(`CREATE TABLE ${q(schema, "reporting_awstags_summary")} (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key text NOT NULL,
    "values" text[] NOT NULL,
    cost_entry_bill_id integer NOT NULL,
    usage_account_id text,
    account_alias_id integer,
    UNIQUE (key, cost_entry_bill_id, usage_account_id))`);
  await client.query(`CREATE TABLE ${q(schema, "reporting_awstags_values")} (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key text NOT NULL,
    value text NOT NULL,
    usage_account_ids text[] NOT NULL,
    account_aliases text[] NOT NULL,
    UNIQUE (key, value))`);
  await client.query(`CREATE INDEX aws_tags_value_key_idx ON ${q(schema, "reporting_awstags_values")} (key)`);
  await client.query(`CREATE TABLE ${q(schema, "reporting_ocptags_values")} (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key text NOT NULL,
    value text NOT NULL,
    cluster_ids text[] NOT NULL,
    cluster_aliases text[] NOT NULL,
    namespaces text[] NOT NULL,
    nodes text[],
    UNIQUE (key, value))`);
  await client.query(
    `CREATE INDEX openshift_tags_value_key_idx ON ${q(schema, "reporting_ocptags_values")} (key)`,
  );
}

export interface TagSummaryContent {
  enabled: { key: string; provider: "AWS" | "OCP"; enabled: boolean }[];
  /** reporting_awstags_summary keys (bill 1). */
  awsKeys: string[];
  awsValues: [string, string][];
  ocpValues: [string, string][];
}

/** Replaces the tables' rows with `content`. */
export async function fillTagSummaryTables(
  client: pg.ClientBase,
  schema: string,
  content: TagSummaryContent,
): Promise<void> {
  for (const t of [
    "reporting_enabledtagkeys",
    "reporting_awstags_summary",
    "reporting_awstags_values",
    "reporting_ocptags_values",
  ])
    await client.query(`DELETE FROM ${q(schema, t)}`);
  for (const e of content.enabled)
    await client.query(
      `INSERT INTO ${q(schema, "reporting_enabledtagkeys")} (key, enabled, provider_type) VALUES ($1, $2, $3)`,
      [e.key, e.enabled, e.provider],
    );
  for (const key of content.awsKeys)
    await client.query(
      `INSERT INTO ${q(schema, "reporting_awstags_summary")} (key, "values", cost_entry_bill_id, usage_account_id)
       VALUES ($1, '{}', 1, '123456789012')`,
      [key],
    );
  for (const [key, value] of content.awsValues)
    await client.query(
      `INSERT INTO ${q(schema, "reporting_awstags_values")} (key, value, usage_account_ids, account_aliases)
       VALUES ($1, $2, '{123456789012}', '{}')`,
      [key, value],
    );
  for (const [key, value] of content.ocpValues)
    await client.query(
      `INSERT INTO ${q(schema, "reporting_ocptags_values")} (key, value, cluster_ids, cluster_aliases, namespaces, nodes)
       VALUES ($1, $2, '{c}', '{a}', '{ns}', '{n}')`,
      [key, value],
    );
}
