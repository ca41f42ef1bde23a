/**
 * Koku's cluster inventory tables and its get-or-create rules (Koku masu/database/ocp_report_db_accessor.py
 * populate_openshift_cluster_information_tables and the populate_*_table methods; DDL from
 * reporting/provider/ocp/models.py OCPCluster, OCPNode, OCPPVC, OCPProject). Set-based SQL with the same
 * outcome as Koku's row-by-row Django loop; nothing is deleted for being absent from a later range.
 * Runs on a client inside the run's transaction.
 */
import type pg from "pg";
import type { Inventory, InventoryPvc } from "../engine/inventory.js";
import { compareCodePoints } from "../engine/values.js";
import { qualifiedName, relationExists } from "./sql.js";

export const CLUSTERS_TABLE = "reporting_ocp_clusters";
export const INVENTORY_NODES_TABLE = "reporting_ocp_nodes";
export const PVCS_TABLE = "reporting_ocp_pvcs";
export const PROJECTS_TABLE = "reporting_ocp_projects";
const PROVIDER_TABLE = "reporting_tenant_api_provider";

export interface InventoryTarget {
  schema: string;
  sourceUuid: string;
  clusterId: string;
  clusterAlias: string | null;
}

/** Rows changed per table (Koku's rules never delete nodes/PVCs/projects, except with a dropped cluster). */
export interface InventoryWriteCounts {
  clusters: { inserted: number; updated: number; deleted: number };
  nodes: { inserted: number; updated: number };
  pvcs: { inserted: number; updated: number };
  projects: { inserted: number };
}

/** Creates the four tables in Koku's shape where missing (uuid keys made by us, as Django does). */
export async function ensureInventoryTables(client: pg.ClientBase, schema: string): Promise<void> {
  const clusters = qualifiedName(schema, CLUSTERS_TABLE);
  if (!(await relationExists(client, schema, CLUSTERS_TABLE))) {
    // provider_id references Koku's provider table; without it (a schema of ours) the column stays a plain uuid.
    const providerFk = (await relationExists(client, schema, PROVIDER_TABLE))
      ? ` REFERENCES ${qualifiedName(schema, PROVIDER_TABLE)} (uuid) DEFERRABLE INITIALLY DEFERRED`
      : "";
    await client.query(`CREATE TABLE IF NOT EXISTS ${clusters} (
      uuid uuid PRIMARY KEY,
      cluster_id text NOT NULL,
      cluster_alias text,
      provider_id uuid NOT NULL${providerFk},
      CONSTRAINT reporting_ocp_clusters_cluster_id_cluster_alias_provider_uniq
        UNIQUE (cluster_id, cluster_alias, provider_id))`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS reporting_ocp_clusters_provider_id_idx ON ${clusters} (provider_id)`,
    );
  }
  const clusterFk = `REFERENCES ${clusters} (uuid) DEFERRABLE INITIALLY DEFERRED`;
  await client.query(`CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, INVENTORY_NODES_TABLE)} (
    uuid uuid PRIMARY KEY,
    node text NOT NULL,
    resource_id text,
    node_capacity_cpu_cores numeric(18,2),
    cluster_id uuid NOT NULL ${clusterFk},
    node_role text,
    architecture text)`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, PVCS_TABLE)} (
    uuid uuid PRIMARY KEY,
    persistent_volume_claim text NOT NULL,
    persistent_volume text NOT NULL,
    cluster_id uuid NOT NULL ${clusterFk},
    csi_volume_handle text,
    CONSTRAINT reporting_ocp_pvcs_pv_pvc_cluster_uniq
      UNIQUE (persistent_volume, persistent_volume_claim, cluster_id))`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, PROJECTS_TABLE)} (
    uuid uuid PRIMARY KEY,
    project text NOT NULL,
    cluster_id uuid NOT NULL ${clusterFk},
    CONSTRAINT reporting_ocp_projects_project_cluster_uniq UNIQUE (project, cluster_id))`);
  for (const table of [INVENTORY_NODES_TABLE, PVCS_TABLE, PROJECTS_TABLE]) {
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${table}_cluster_id_idx ON ${qualifiedName(schema, table)} (cluster_id)`,
    );
  }
}

/** Applies Koku's rules for one source's inventory; the caller holds the transaction. */
export async function writeInventory(
  client: pg.ClientBase,
  target: InventoryTarget,
  inventory: Inventory,
): Promise<InventoryWriteCounts> {
  await ensureInventoryTables(client, target.schema);
  // Runs of other months of the same source touch the same cluster row: one at a time.
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
    `ocp-aggregator:inventory:${target.schema}:${target.sourceUuid}`,
  ]);
  const cluster = await getOrCreateCluster(client, target);
  return {
    clusters: cluster.counts,
    nodes: await writeNodes(client, target.schema, cluster.uuid, inventory),
    pvcs: await writePvcs(client, target.schema, cluster.uuid, inventory.pvcs),
    projects: await writeProjects(client, target.schema, cluster.uuid, inventory.projects),
  };
}

/**
 * populate_cluster_table: with several rows for the source, those with another alias go (with their
 * nodes/PVCs/projects, Django's cascade); the first left (by primary key, Django's first()) is kept, its
 * alias updated in place; none left → a new row. cluster_id is never updated.
 */
async function getOrCreateCluster(
  client: pg.ClientBase,
  target: InventoryTarget,
): Promise<{ uuid: string; counts: InventoryWriteCounts["clusters"] }> {
  const table = qualifiedName(target.schema, CLUSTERS_TABLE);
  const counts = { inserted: 0, updated: 0, deleted: 0 };
  const count = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE provider_id = $1::uuid`,
    [target.sourceUuid],
  );
  if (Number(count.rows[0].n) > 1) {
    const doomed = `SELECT uuid FROM ${table} WHERE provider_id = $1::uuid AND cluster_alias IS DISTINCT FROM $2`;
    const args = [target.sourceUuid, target.clusterAlias];
    for (const child of [INVENTORY_NODES_TABLE, PVCS_TABLE, PROJECTS_TABLE]) {
      await client.query(
        `DELETE FROM ${qualifiedName(target.schema, child)} WHERE cluster_id IN (${doomed})`,
        args,
      );
    }
    const deleted = await client.query(`DELETE FROM ${table} WHERE uuid IN (${doomed})`, args);
    counts.deleted = deleted.rowCount ?? 0;
  }
  const first = await client.query<{ uuid: string; cluster_alias: string | null }>(
    `SELECT uuid, cluster_alias FROM ${table} WHERE provider_id = $1::uuid ORDER BY uuid LIMIT 1`,
    [target.sourceUuid],
  );
  if (first.rowCount === 0) {
    const created = await client.query<{ uuid: string }>(
      `INSERT INTO ${table} (uuid, cluster_id, cluster_alias, provider_id)
       VALUES (gen_random_uuid(), $1, $2, $3::uuid) RETURNING uuid`,
      [target.clusterId, target.clusterAlias, target.sourceUuid],
    );
    counts.inserted = 1;
    return { uuid: created.rows[0].uuid, counts };
  }
  const row = first.rows[0];
  if (row.cluster_alias !== target.clusterAlias) {
    await client.query(`UPDATE ${table} SET cluster_alias = $2 WHERE uuid = $1`, [
      row.uuid,
      target.clusterAlias,
    ]);
    counts.updated = 1;
  }
  return { uuid: row.uuid, counts };
}

/**
 * populate_node_table: a row matches on (node, resource_id, capacity, cluster), nulls matching nulls as in
 * Django's filter; no match → a new row (so a changed capacity adds one); the first match (by primary key)
 * whose role or architecture is empty gets both overwritten. Capacities are matched as stored
 * (numeric(18,2)), see docs/spec-notes.md.
 */
async function writeNodes(
  client: pg.ClientBase,
  schema: string,
  clusterUuid: string,
  inventory: Inventory,
): Promise<InventoryWriteCounts["nodes"]> {
  if (inventory.nodes.length === 0) return { inserted: 0, updated: 0 };
  const table = qualifiedName(schema, INVENTORY_NODES_TABLE);
  const nodes = inventory.nodes;
  const input = `SELECT i.*, (SELECT n.uuid FROM ${table} n
        WHERE n.cluster_id = $6::uuid AND n.node = i.node
          AND n.resource_id IS NOT DISTINCT FROM i.resource_id
          AND n.node_capacity_cpu_cores IS NOT DISTINCT FROM round(i.capacity, 2)
        ORDER BY n.uuid LIMIT 1) AS match
      FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::text[])
        AS i(node, resource_id, capacity, role, architecture)`;
  const args = [
    nodes.map((n) => n.node),
    nodes.map((n) => n.resourceId),
    nodes.map((n) => (n.capacityCpuCores === null ? null : String(n.capacityCpuCores))),
    nodes.map((n) => n.role),
    nodes.map((n) => n.architecture),
    clusterUuid,
  ];
  const updated = await client.query(
    `WITH input AS (${input})
     UPDATE ${table} AS n SET node_role = input.role, architecture = input.architecture
       FROM input
      WHERE n.uuid = input.match
        AND (n.node_role IS NULL OR n.node_role = '' OR n.architecture IS NULL OR n.architecture = '')
        -- a node whose labels give no architecture stays empty: writing the same values again is no update
        AND (n.node_role, n.architecture) IS DISTINCT FROM (input.role, input.architecture)`,
    args,
  );
  const inserted = await client.query(
    `WITH input AS (${input})
     INSERT INTO ${table} (uuid, node, resource_id, node_capacity_cpu_cores, cluster_id, node_role, architecture)
     SELECT gen_random_uuid(), node, resource_id, capacity, $6::uuid, role, architecture
       FROM input WHERE match IS NULL`,
    args,
  );
  return { inserted: inserted.rowCount ?? 0, updated: updated.rowCount ?? 0 };
}

/**
 * populate_pvc_table: match on (pv, pvc, cluster); a match with an empty csi handle (null or '') takes this
 * run's; no match → a new row. A null pv or pvc is skipped (Koku logs the integrity error and goes on).
 * Several handles for one (pv, pvc) in a run: Koku keeps the first non-empty one in Trino's (unordered)
 * result; here the smallest non-empty one, else '' over null — a deterministic pick.
 */
async function writePvcs(
  client: pg.ClientBase,
  schema: string,
  clusterUuid: string,
  pvcs: InventoryPvc[],
): Promise<InventoryWriteCounts["pvcs"]> {
  const chosen = choosePvcHandles(pvcs);
  if (chosen.length === 0) return { inserted: 0, updated: 0 };
  const table = qualifiedName(schema, PVCS_TABLE);
  const args = [
    chosen.map((p) => p.persistentVolume),
    chosen.map((p) => p.persistentVolumeClaim),
    chosen.map((p) => p.csiVolumeHandle),
    clusterUuid,
  ];
  const input = "unnest($1::text[], $2::text[], $3::text[]) AS i(pv, pvc, csi)";
  const updated = await client.query(
    `UPDATE ${table} AS p SET csi_volume_handle = i.csi FROM ${input}
      WHERE p.cluster_id = $4::uuid AND p.persistent_volume = i.pv AND p.persistent_volume_claim = i.pvc
        AND (p.csi_volume_handle IS NULL OR p.csi_volume_handle = '')
        AND p.csi_volume_handle IS DISTINCT FROM i.csi`,
    args,
  );
  const inserted = await client.query(
    `INSERT INTO ${table} (uuid, persistent_volume_claim, persistent_volume, cluster_id, csi_volume_handle)
     SELECT gen_random_uuid(), i.pvc, i.pv, $4::uuid, i.csi FROM ${input}
      WHERE NOT EXISTS (SELECT 1 FROM ${table} p WHERE p.cluster_id = $4::uuid
                          AND p.persistent_volume = i.pv AND p.persistent_volume_claim = i.pvc)`,
    args,
  );
  return { inserted: inserted.rowCount ?? 0, updated: updated.rowCount ?? 0 };
}

/** One handle per (pv, pvc) with both set: see writePvcs. */
export function choosePvcHandles(pvcs: InventoryPvc[]): InventoryPvc[] {
  const byKey = new Map<string, InventoryPvc>();
  const rank = (h: string | null) => (h === null ? 0 : h === "" ? 1 : 2);
  for (const p of pvcs) {
    if (p.persistentVolume === null || p.persistentVolumeClaim === null) continue;
    const key = JSON.stringify([p.persistentVolume, p.persistentVolumeClaim]);
    const current = byKey.get(key);
    if (
      !current ||
      rank(p.csiVolumeHandle) > rank(current.csiVolumeHandle) ||
      (rank(p.csiVolumeHandle) === 2 &&
        rank(current.csiVolumeHandle) === 2 &&
        compareCodePoints(p.csiVolumeHandle as string, current.csiVolumeHandle as string) < 0)
    ) {
      byKey.set(key, p);
    }
  }
  return [...byKey.values()];
}

/** populate_project_table: get_or_create(project, cluster). */
async function writeProjects(
  client: pg.ClientBase,
  schema: string,
  clusterUuid: string,
  projects: string[],
): Promise<InventoryWriteCounts["projects"]> {
  if (projects.length === 0) return { inserted: 0 };
  const table = qualifiedName(schema, PROJECTS_TABLE);
  const inserted = await client.query(
    `INSERT INTO ${table} (uuid, project, cluster_id)
     SELECT gen_random_uuid(), i.project, $2::uuid FROM unnest($1::text[]) AS i(project)
      WHERE NOT EXISTS (SELECT 1 FROM ${table} p WHERE p.cluster_id = $2::uuid AND p.project = i.project)`,
    [projects, clusterUuid],
  );
  return { inserted: inserted.rowCount ?? 0 };
}
