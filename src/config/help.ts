/**
 * Text for `--help`: the environment variables and their keys, straight from the catalog so the help
 * can never list a name the loader ignores.
 */
import { KEY_SPECS } from "./keys.js";

/** One line per key: its environment variables, the key, and what it does. */
export function environmentHelp(): string {
  const rows = KEY_SPECS.filter((spec) => spec.env.length > 0).map((spec) => [
    spec.env.join(", "),
    spec.key,
    spec.doc,
  ]);
  const width = Math.max(...rows.map(([names]) => names.length));
  const lines = rows.map(([names, key, doc]) => `  ${names.padEnd(width)}  ${key}: ${doc}`);
  return ["Environment variables (first one set wins; command-line options override them):", ...lines].join(
    "\n",
  );
}
