/**
 * Reference data of an OCP-on-AWS run from Koku's tables, when they exist in the schema:
 * `reporting_enabledtagkeys` (AWS keys; OCP keys come with the OCP summary's reference data) and
 * `reporting_awsaccountalias` (account id → alias id). Missing tables fall back to the given values.
 */
import type pg from "pg";
import { qualifiedName, relationExists } from "../../sink/sql.js";

export interface AwsReferenceFound {
  awsEnabledKeys: string[];
  accountAliases: Map<string, number>;
  origins: { awsEnabledKeys: string; accountAliases: string };
}

export async function readAwsReference(
  client: pg.ClientBase,
  schema: string,
  fallbackKeys: string[] | null,
  fallbackAliases: { id: number; account_id: string }[] | null = null,
): Promise<AwsReferenceFound> {
  let awsEnabledKeys = fallbackKeys ?? [];
  let keysOrigin = fallbackKeys ? "config" : "none";
  if (await relationExists(client, schema, "reporting_enabledtagkeys")) {
    const found = await client.query<{ key: string }>(
      `SELECT key FROM ${qualifiedName(schema, "reporting_enabledtagkeys")}
        WHERE enabled = true AND provider_type = 'AWS' ORDER BY key`,
    );
    awsEnabledKeys = found.rows.map((r) => r.key);
    keysOrigin = `table in schema ${schema}`;
  }
  const accountAliases = new Map<string, number>((fallbackAliases ?? []).map((a) => [a.account_id, a.id]));
  let aliasOrigin = fallbackAliases ? "config" : "none";
  if (await relationExists(client, schema, "reporting_awsaccountalias")) {
    const found = await client.query<{ id: number; account_id: string }>(
      `SELECT id, account_id FROM ${qualifiedName(schema, "reporting_awsaccountalias")}`,
    );
    accountAliases.clear();
    for (const row of found.rows) accountAliases.set(row.account_id, row.id);
    aliasOrigin = `table in schema ${schema}`;
  }
  return {
    awsEnabledKeys,
    accountAliases,
    origins: { awsEnabledKeys: keysOrigin, accountAliases: aliasOrigin },
  };
}
