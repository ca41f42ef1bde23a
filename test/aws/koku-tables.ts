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

/** cost_models/models.py CostModel and CostModelMap (tenant schema). */
export async function createCostModelTables(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`CREATE TABLE ${q(schema, "cost_model")} (
    uuid uuid PRIMARY KEY,
    name text NOT NULL,
    description text NOT NULL,
    source_type varchar(50) NOT NULL,
    created_timestamp timestamptz NOT NULL DEFAULT now(),
    updated_timestamp timestamptz NOT NULL DEFAULT now(),
    rates jsonb NOT NULL DEFAULT '{}',
    markup jsonb NOT NULL DEFAULT '{}',
    distribution text NOT NULL DEFAULT 'cpu',
    distribution_info jsonb NOT NULL DEFAULT '{}',
    currency text NOT NULL DEFAULT 'USD')`);
  await client.query(`CREATE TABLE ${q(schema, "cost_model_map")} (
    id serial PRIMARY KEY,
    provider_uuid uuid NOT NULL,
    cost_model_id uuid REFERENCES ${q(schema, "cost_model")} (uuid) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (provider_uuid, cost_model_id))`);
}

export interface CostModelContent {
  uuid: string;
  name: string;
  sourceType: "AWS" | "OCP";
  markup?: unknown;
  distributionInfo?: unknown;
  /** Provider uuids mapped to it. */
  providers: string[];
}

/** Replaces the tables' rows with `models`. */
export async function fillCostModelTables(
  client: pg.ClientBase,
  schema: string,
  models: CostModelContent[],
): Promise<void> {
  await client.query(`DELETE FROM ${q(schema, "cost_model_map")}`);
  await client.query(`DELETE FROM ${q(schema, "cost_model")}`);
  for (const m of models) {
    await client.query(
      `INSERT INTO ${q(schema, "cost_model")} (uuid, name, description, source_type, markup, distribution_info)
       VALUES ($1, $2, '', $3, $4, $5)`,
      [
        m.uuid,
        m.name,
        m.sourceType,
        JSON.stringify(m.markup ?? {}),
        JSON.stringify(m.distributionInfo ?? {}),
      ],
    );
    for (const provider of m.providers)
      await client.query(
        `INSERT INTO ${q(schema, "cost_model_map")} (provider_uuid, cost_model_id) VALUES ($1, $2)`,
        [provider, m.uuid],
      );
  }
}
