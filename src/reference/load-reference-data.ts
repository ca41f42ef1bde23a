/**
 * Loads the run's reference data (spec §2.5) into tables shaped like Koku's PostgreSQL tables, through
 * DuckDB's appender: values never become SQL text.
 */
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import type { ReferenceData } from "../model.js";

function appendText(appender: DuckDBAppender, value: string | null): void {
  if (value === null || value === undefined) appender.appendNull();
  else appender.appendVarchar(value);
}

/** Creates reporting_enabledtagkeys, reporting_ocp_cost_category_namespace and (if given) reporting_ocp_nodes. */
export async function loadReferenceData(con: DuckDBConnection, reference: ReferenceData): Promise<void> {
  // Appenders default to schema main; a run may use its own schema (ReferenceRunner).
  const schema = String((await con.runAndReadAll("SELECT current_schema()")).getRows()[0][0]);
  await con.run(
    "CREATE TABLE reporting_enabledtagkeys (key VARCHAR, enabled BOOLEAN, provider_type VARCHAR)",
  );
  const keys = await con.createAppender("reporting_enabledtagkeys", schema);
  for (const key of reference.enabledTagKeys) {
    keys.appendVarchar(key);
    keys.appendBoolean(true);
    keys.appendVarchar("OCP");
    keys.endRow();
  }
  keys.closeSync();

  await con.run(
    "CREATE TABLE reporting_ocp_cost_category_namespace (namespace VARCHAR, cost_category_id INTEGER)",
  );
  const categories = await con.createAppender("reporting_ocp_cost_category_namespace", schema);
  for (const category of reference.costCategories) {
    categories.appendVarchar(category.namespace);
    categories.appendInteger(category.cost_category_id);
    categories.endRow();
  }
  categories.closeSync();

  if (reference.nodeRoles === null) return; // derived from the pod data later (node-roles.ts)
  await con.run("CREATE TABLE reporting_ocp_nodes (node VARCHAR, resource_id VARCHAR, node_role VARCHAR)");
  const nodes = await con.createAppender("reporting_ocp_nodes", schema);
  for (const row of reference.nodeRoles) {
    appendText(nodes, row.node);
    appendText(nodes, row.resource_id);
    appendText(nodes, row.node_role);
    nodes.endRow();
  }
  nodes.closeSync();
}
