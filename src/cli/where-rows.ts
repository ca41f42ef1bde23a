/**
 * How a person reaches the rows: the lines that end `demo` and `aggregate`, and the ready-to-paste commands
 * the `db` command prints. Passwords are never printed here; psql lines read them from the password file.
 */
import type { AppConfig } from "../config/schema.js";
import { redactUrl } from "../sink/connection.js";
import { defaultDataDir, EMBEDDED_DATABASE, EMBEDDED_USER } from "../sink/embedded-files.js";
import { SUMMARY_TABLE } from "../sink/summary-ddl.js";

/** "rows …" and "look …" lines for the tables a run wrote (default: the summary), in the style of formatRunReport. */
export function whereTheRowsAre(
  config: AppConfig,
  schema: string,
  tables: readonly string[] = [SUMMARY_TABLE],
): string {
  if (tables.length === 0) return "";
  const table = tables.map((t) => `${schema}.${t}`).join(", ");
  if (config.database.url) {
    const shown = redactUrl(config.database.url);
    return `rows    ${table} in ${shown}\nlook    psql ${shellQuote(shown)}  (with your password)\n`;
  }
  const where = config.embedded.dataDir ?? defaultDataDir();
  return (
    `rows    ${table} in the embedded PostgreSQL, data in ${where}\n` +
    `look    ${dbCommand("psql", config.embedded.dataDir)}   (or: ${dbCommand("start", config.embedded.dataDir)} ` +
    "to keep it running, then db url for a connection string)\n"
  );
}

/**
 * How a person types the command in a checkout (the README's way): `ocp-aggregator` is not on PATH there, and the
 * bare name printed as a next step fails with "command not found".
 */
export const CLI_COMMAND = "npx ocp-aggregator";

/** `npx ocp-aggregator db <sub>`, with --data-dir when the folder is not the default one. */
export function dbCommand(sub: string, dataDir: string | null): string {
  return `${CLI_COMMAND} db ${sub}${dataDir ? ` --data-dir ${shellQuote(dataDir)}` : ""}`;
}

/** A psql line that reads the password from the cluster's file instead of showing it. */
export function psqlLine(passwordFile: string, port: number): string {
  return (
    `PGPASSWORD="$(cat ${shellQuote(passwordFile)})" psql -h 127.0.0.1 -p ${port} ` +
    `-U ${EMBEDDED_USER} ${EMBEDDED_DATABASE}`
  );
}

/** Single-quotes `text` for a POSIX shell when it holds anything but plain path characters. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
