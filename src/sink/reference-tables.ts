/**
 * Koku's reference tables a run reads (spec §2.5), in the run's schema:
 *   reporting_enabledtagkeys               (koku/reporting/provider/all/models.py EnabledTagKeys)
 *   reporting_ocp_cost_category_namespace  (OpenshiftCostCategoryNamespace) → reporting_ocp_cost_category
 *   reporting_ocp_nodes                    (OCPNode)
 * readReferenceData reads whichever exist; seedReferenceData creates them in Koku's shape and replaces their
 * content (for the data generator's `seed` command and tests — never point it at a production Koku schema).
 */
import type pg from "pg";
import type { ReferenceData } from "../model.js";
import { ensureSchema, qualifiedName, relationExists } from "./sql.js";

export const ENABLED_TAG_KEYS_TABLE = "reporting_enabledtagkeys";
export const COST_CATEGORY_TABLE = "reporting_ocp_cost_category";
export const COST_CATEGORY_NAMESPACE_TABLE = "reporting_ocp_cost_category_namespace";
export const NODES_TABLE = "reporting_ocp_nodes";

export interface ReferenceTablesFound {
  enabledTagKeys: boolean;
  costCategories: boolean;
  nodeRoles: boolean;
}

/** Fields are present only for tables that exist; `found` says which did. */
export type ReadReferenceData = Partial<ReferenceData> & { found: ReferenceTablesFound };

export async function readReferenceData(client: pg.ClientBase, schema: string): Promise<ReadReferenceData> {
  const found: ReferenceTablesFound = {
    enabledTagKeys: await relationExists(client, schema, ENABLED_TAG_KEYS_TABLE),
    costCategories: await relationExists(client, schema, COST_CATEGORY_NAMESPACE_TABLE),
    nodeRoles: await relationExists(client, schema, NODES_TABLE),
  };
  const result: ReadReferenceData = { found };
  if (found.enabledTagKeys) {
    const keys = await client.query<{ key: string }>(
      `SELECT key FROM ${qualifiedName(schema, ENABLED_TAG_KEYS_TABLE)}
        WHERE enabled = true AND provider_type = 'OCP' ORDER BY key`,
    );
    result.enabledTagKeys = keys.rows.map((r) => r.key);
  }
  if (found.costCategories) {
    const patterns = await client.query<{ namespace: string; cost_category_id: number }>(
      `SELECT namespace, cost_category_id FROM ${qualifiedName(schema, COST_CATEGORY_NAMESPACE_TABLE)} ORDER BY id`,
    );
    result.costCategories = patterns.rows.map((r) => ({
      namespace: r.namespace,
      cost_category_id: r.cost_category_id,
    }));
  }
  if (found.nodeRoles) {
    const nodes = await client.query<{ node: string; resource_id: string | null; node_role: string | null }>(
      `SELECT node, resource_id, node_role FROM ${qualifiedName(schema, NODES_TABLE)}
        ORDER BY node, resource_id NULLS FIRST, node_role NULLS FIRST`,
    );
    result.nodeRoles = nodes.rows.map((r) => ({
      node: r.node,
      resource_id: r.resource_id,
      node_role: r.node_role,
    }));
  }
  return result;
}

/**
 * Creates the tables where missing and replaces their rows with `ref`, in one transaction. With
 * `ref.nodeRoles === null` the nodes table is not created (an absent table means "derive roles"); an
 * existing one is left as it is.
 */
export async function seedReferenceData(
  client: pg.ClientBase,
  schema: string,
  ref: ReferenceData,
): Promise<void> {
  await client.query("BEGIN");
  try {
    await ensureSchema(client, schema);
    await createReferenceTables(client, schema, ref.nodeRoles !== null);
    await seedEnabledKeys(client, schema, ref.enabledTagKeys);
    await seedCostCategories(client, schema, ref.costCategories);
    if (ref.nodeRoles !== null) await seedNodes(client, schema, ref.nodeRoles);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Koku's shapes (Django: AutoField → serial, CharField(n) → varchar(n), FK → deferrable constraint). */
async function createReferenceTables(
  client: pg.ClientBase,
  schema: string,
  withNodes: boolean,
): Promise<void> {
  const enabled = qualifiedName(schema, ENABLED_TAG_KEYS_TABLE);
  const category = qualifiedName(schema, COST_CATEGORY_TABLE);
  const namespace = qualifiedName(schema, COST_CATEGORY_NAMESPACE_TABLE);
  await client.query(`CREATE TABLE IF NOT EXISTS ${enabled} (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key varchar(512) NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    provider_type varchar(50) NOT NULL,
    CONSTRAINT reporting_enabledtagkeys_key_provider_type_uniq UNIQUE (key, provider_type))`);
  await client.query(`CREATE INDEX IF NOT EXISTS tag_enabled_key_index ON ${enabled} (key, enabled)`);
  await client.query(`CREATE INDEX IF NOT EXISTS tag_provider_type_index ON ${enabled} (provider_type)`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${category} (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    description text NOT NULL,
    source_type text NOT NULL,
    system_default boolean NOT NULL DEFAULT false,
    label text[] NOT NULL)`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${namespace} (
    id serial PRIMARY KEY,
    namespace text NOT NULL UNIQUE,
    system_default boolean NOT NULL DEFAULT false,
    cost_category_id integer NOT NULL REFERENCES ${category} (id) DEFERRABLE INITIALLY DEFERRED)`);
  if (withNodes) {
    // Koku's cluster_id is a NOT NULL foreign key to reporting_ocp_clusters (and on to the provider table),
    // which are not ours to create: here it is a nullable uuid.
    await client.query(`CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, NODES_TABLE)} (
      uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      node text NOT NULL,
      resource_id text,
      node_capacity_cpu_cores numeric(18,2),
      cluster_id uuid,
      node_role text,
      architecture text)`);
  }
}

async function seedEnabledKeys(client: pg.ClientBase, schema: string, keys: string[]): Promise<void> {
  const table = qualifiedName(schema, ENABLED_TAG_KEYS_TABLE);
  await client.query(`DELETE FROM ${table}`);
  await client.query(
    `INSERT INTO ${table} (key, enabled, provider_type)
     SELECT DISTINCT k, true, 'OCP' FROM unnest($1::text[]) AS k`,
    [keys],
  );
}

async function seedCostCategories(
  client: pg.ClientBase,
  schema: string,
  patterns: ReferenceData["costCategories"],
): Promise<void> {
  const category = qualifiedName(schema, COST_CATEGORY_TABLE);
  const namespace = qualifiedName(schema, COST_CATEGORY_NAMESPACE_TABLE);
  await client.query(`DELETE FROM ${namespace}`);
  // Keep categories other rows may still reference elsewhere; add the ones the patterns need.
  const ids = [...new Set(patterns.map((p) => p.cost_category_id))];
  await client.query(
    `INSERT INTO ${category} (id, name, description, source_type, system_default, label)
     SELECT id, 'category-' || id, 'seeded by ocp-aggregator', 'OCP', false, '{}'::text[]
       FROM unnest($1::int[]) AS id
     ON CONFLICT (id) DO NOTHING`,
    [ids],
  );
  // Explicit ids bypass the serial: move it past them so later inserts do not collide.
  await client.query(
    `SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST((SELECT max(id) FROM ${category}), 1))`,
    [category],
  );
  await client.query(
    `INSERT INTO ${namespace} (namespace, system_default, cost_category_id)
     SELECT ns, false, cat FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS p(ns, cat, ord) ORDER BY ord`,
    [patterns.map((p) => p.namespace), patterns.map((p) => p.cost_category_id)],
  );
}

async function seedNodes(
  client: pg.ClientBase,
  schema: string,
  nodes: NonNullable<ReferenceData["nodeRoles"]>,
): Promise<void> {
  const table = qualifiedName(schema, NODES_TABLE);
  await client.query(`DELETE FROM ${table}`);
  await client.query(
    `INSERT INTO ${table} (node, resource_id, node_role) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [nodes.map((n) => n.node), nodes.map((n) => n.resource_id), nodes.map((n) => n.node_role)],
  );
}
