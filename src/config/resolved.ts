/**
 * Picks each key's winning setting across layers and validates it with the key's zod schema, naming
 * the key and where the value came from when it is wrong.
 */
import type { z } from "zod";
import { KEY_SPECS, type KeySpec } from "./keys.js";
import { type ConfigIssue, LAYER_RANK, type Layer, type Origin, type Setting } from "./origin.js";

export interface ResolvedSetting {
  value: unknown;
  origin: Origin;
  /** Precedence of the layer it came from (LAYER_RANK). */
  rank: number;
}
export type ResolvedSettings = Map<string, ResolvedSetting>;

/** Highest-precedence setting per key; `layers` must be given lowest precedence first. */
export function pickWinners(layers: readonly Layer[]): Map<string, Setting> {
  const winners = new Map<string, Setting>();
  for (const layer of layers) for (const [key, setting] of layer) winners.set(key, setting);
  return winners;
}

export function validateSettings(winners: Map<string, Setting>): {
  resolved: ResolvedSettings;
  issues: ConfigIssue[];
} {
  const resolved: ResolvedSettings = new Map();
  const issues: ConfigIssue[] = [];
  for (const spec of KEY_SPECS) {
    const setting = winners.get(spec.key);
    if (!setting) continue;
    const candidate = toCandidate(spec, setting);
    const result = spec.kind.schema.safeParse(candidate);
    if (result.success) {
      resolved.set(spec.key, {
        value: result.data,
        origin: setting.origin,
        rank: LAYER_RANK[setting.origin.kind],
      });
    } else {
      issues.push(describeFailure(spec, setting, candidate, result.error));
    }
  }
  return { resolved, issues };
}

/** Text becomes typed per kind; YAML numbers/booleans given for text keys are kept as written. */
function toCandidate(spec: KeySpec, setting: Setting): unknown {
  const { value } = setting;
  if (typeof value === "string") return spec.kind.fromText(value);
  if (spec.kind.textual && (typeof value === "number" || typeof value === "boolean")) {
    return setting.sourceText ?? String(value);
  }
  return value;
}

function describeFailure(
  spec: KeySpec,
  setting: Setting,
  candidate: unknown,
  error: z.ZodError,
): ConfigIssue {
  const issue = error.issues[0];
  const path = issue.path
    .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
    .join("");
  // Show the value as the user wrote it at the top level, or the offending element inside a list.
  const shown = issue.path.length === 0 ? setting.value : valueAt(candidate, issue.path);
  const got = issue.code === "unrecognized_keys" ? "" : `, got ${showValue(shown, spec.secret === true)}`;
  return { key: `${spec.key}${path}`, message: `${issue.message}${got}`, origin: setting.origin };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    node =
      node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[part] : undefined;
  }
  return node;
}

export function showValue(value: unknown, secret: boolean): string {
  if (secret) return "***";
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
