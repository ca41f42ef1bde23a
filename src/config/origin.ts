/**
 * Where each setting came from, so an error can say "(from env CHUNK_SIZE)" instead of leaving the
 * user to guess which of four places holds the bad value.
 */

export type Origin =
  | { kind: "default" }
  | { kind: "file"; file: string; key: string; vars: string[] }
  | { kind: "env"; name: string }
  | { kind: "override"; option: string }
  | { kind: "derived"; from: string };

/** Layers in increasing precedence; the rank decides which setting wins. */
export const LAYER_RANK = { default: 0, file: 1, env: 2, override: 3, derived: 4 } as const;

export interface Setting {
  value: unknown;
  /** The YAML scalar's text as written, when YAML typed it as something other than a string (`0123`). */
  sourceText?: string;
  origin: Origin;
}

/** Catalog key (e.g. `performance.chunk_size`) → its setting in one layer. */
export type Layer = Map<string, Setting>;

export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case "default":
      return "default";
    case "file": {
      const vars =
        origin.vars.length > 0 ? ` via ${origin.vars.map((name) => `\${${name}}`).join(", ")}` : "";
      return `${origin.file}: ${origin.key}${vars}`;
    }
    case "env":
      return `env ${origin.name}`;
    case "override":
      return `option ${origin.option}`;
    case "derived":
      return origin.from;
  }
}

export interface ConfigIssue {
  /** Display key, e.g. `performance.chunk_size`, or the file for file-level problems. */
  key: string;
  message: string;
  origin?: Origin;
}

export function formatIssue(issue: ConfigIssue): string {
  const from = issue.origin ? ` (from ${describeOrigin(issue.origin)})` : "";
  return `config error: ${issue.key}: ${issue.message}${from}`;
}

/** A configuration that cannot be used; the message holds one `config error: ...` line per problem. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}
