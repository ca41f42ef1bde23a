/**
 * `${VAR}` and `${VAR:-default}` in YAML string values, as the Python POC's config loader does
 * (same variable-name pattern: upper-case letters, digits, underscores).
 *
 * One deliberate difference: the POC fails the whole load when a `${VAR}` without default is unset.
 * Here the value is reported as unresolved and the caller drops that key (with a warning), so e.g. an
 * unset `${S3_SECRET_KEY}` does not stop a run that reads a local directory.
 */

const REFERENCE = /\$\{([A-Z_][A-Z0-9_]*)(:-([^}]*))?\}/g;

export type Substituted =
  | { ok: true; value: unknown; vars: string[] }
  | { ok: false; missing: string[]; vars: string[] };

/** Expands references in every string inside `value` (lists and maps included). */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv): Substituted {
  const vars: string[] = [];
  const missing: string[] = [];

  const expandText = (text: string): string =>
    text.replace(
      REFERENCE,
      (_match, name: string, defaultPart: string | undefined, fallback: string | undefined) => {
        vars.push(name);
        const fromEnv = env[name];
        if (fromEnv !== undefined) return fromEnv;
        if (defaultPart !== undefined) return fallback ?? "";
        missing.push(name);
        return "";
      },
    );

  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return expandText(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    }
    return node;
  };

  const expanded = walk(value);
  return missing.length > 0 ? { ok: false, missing, vars } : { ok: true, value: expanded, vars };
}
