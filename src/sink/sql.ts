/**
 * The only way sink code puts names into SQL text: quoted identifiers. Values always travel as parameters.
 */
import type pg from "pg";

/** `"name"` with embedded quotes doubled; rejects what PostgreSQL could never accept as an identifier. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error("SQL identifier must not be empty");
  if (name.includes("\0")) throw new Error("SQL identifier must not contain a NUL character");
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"` */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** True when `schema.name` names an existing relation (table, partitioned table, view...). */
export async function relationExists(client: pg.ClientBase, schema: string, name: string): Promise<boolean> {
  const result = await client.query<{ oid: string | null }>("SELECT to_regclass($1)::oid AS oid", [
    qualifiedName(schema, name),
  ]);
  return result.rows[0]?.oid != null;
}

/**
 * CREATE SCHEMA only when missing: PostgreSQL checks the CREATE privilege on the database even for
 * `IF NOT EXISTS`, which would fail a user who owns an existing schema but may not create new ones.
 */
export async function ensureSchema(client: pg.ClientBase, schema: string): Promise<void> {
  const found = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
}

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
