/**
 * loadConfig: defaults < YAML file < environment < command-line overrides, validated, with every
 * error naming the key and where its value came from.
 */
import { deriveValues } from "./derive.js";
import { readEnvLayer } from "./env-layer.js";
import { readFileLayer, type UnknownKey } from "./file-layer.js";
import { KEY_SPECS } from "./keys.js";
import { ConfigError, type ConfigIssue, type Layer, type Origin } from "./origin.js";
import { type ConfigOverrides, readOverrideLayer } from "./override-layer.js";
import { pickWinners, type ResolvedSettings, validateSettings } from "./resolved.js";
import { checkRunDates } from "./run-checks.js";
import { type AppConfig, appConfigSchema } from "./schema.js";

export type { ConfigOverrides } from "./override-layer.js";

export interface LoadConfigOptions {
  /** YAML (or JSON) file; our layout or the Python POC's. */
  file?: string;
  /** Defaults to process.env; also the source of `${VAR}` substitutions in the file. */
  env?: NodeJS.ProcessEnv;
  overrides?: ConfigOverrides;
  /** Receives each warning (unknown keys, unset `${VAR}` ...); loadConfigDetailed also returns them. */
  onWarning?: (message: string) => void;
}

export interface LoadedConfig {
  config: AppConfig;
  /** `config warning: ...` lines: unknown or ignored keys, conflicting spellings, unset variables. */
  warnings: string[];
  /** Where each key's value came from, by catalog key (e.g. `performance.chunk_size`). */
  origins: Map<string, Origin>;
}

/** Loads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  return loadConfigDetailed(options).config;
}

export function loadConfigDetailed(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const layers: Layer[] = [defaultLayer()];
  const unknownKeys: UnknownKey[] = [];
  if (options.file !== undefined) {
    const fileLayer = readFileLayer(options.file, env);
    layers.push(fileLayer.layer);
    warnings.push(...fileLayer.warnings);
    unknownKeys.push(...fileLayer.unknownKeys);
  }
  layers.push(readEnvLayer(env), readOverrideLayer(options.overrides));

  const { resolved, issues } = validateSettings(pickWinners(layers));
  const strict = resolved.get("config.strict")?.value === true;
  for (const unknown of unknownKeys) {
    if (unknown.topLevel || strict) issues.push(unknownKeyIssue(unknown));
    else
      warnings.push(
        `config warning: ${unknown.file}: unknown key ${unknown.key} ignored${unknown.suggestion}`,
      );
  }
  const derived = deriveValues(resolved);
  issues.push(...derived.issues, ...checkRunDates(resolved));
  warnings.push(...derived.warnings);
  for (const warning of warnings) options.onWarning?.(warning);
  if (issues.length > 0) throw new ConfigError(issues);

  const config = assemble(resolved);
  config.input = derived.input;
  config.embedded.dataDir = derived.dataDir;
  config.s3.forcePathStyle = derived.forcePathStyle;
  config.database.url = derived.databaseUrl;
  if (derived.s3Endpoint !== null) config.s3.endpoint = derived.s3Endpoint;

  const origins = new Map<string, Origin>([...resolved].map(([key, setting]) => [key, setting.origin]));
  for (const [key, origin] of derived.origins) origins.set(key, origin);
  // A failure here is a bug in the catalog wiring, not in the user's input.
  return { config: appConfigSchema.parse(config) as AppConfig, warnings, origins };
}

function unknownKeyIssue(unknown: UnknownKey): ConfigIssue {
  const why = unknown.topLevel
    ? "unknown top-level key: everything under it would be ignored"
    : "unknown key (config.strict is on)";
  return { key: `${unknown.file}: ${unknown.key}`, message: `${why}${unknown.suggestion}` };
}

function defaultLayer(): Layer {
  const layer: Layer = new Map();
  for (const spec of KEY_SPECS) {
    if (spec.default !== undefined) layer.set(spec.key, { value: spec.default, origin: { kind: "default" } });
  }
  return layer;
}

/** Optional AppConfig fields that are left out (not set to null) when unset. */
const OMIT_WHEN_NULL = new Set(["s3.endpoint", "s3.access_key_id", "s3.secret_access_key"]);

/**
 * AppConfig from the catalog: each key's winning value (defaults included) at its target path. Sections are
 * created for every target, so the values derived afterwards (input, database URL, ...) have a home; the
 * schema parse in loadConfigDetailed catches a field no key fills.
 */
function assemble(resolved: ResolvedSettings): AppConfig {
  const config: Record<string, unknown> = {};
  for (const spec of KEY_SPECS) {
    if (!spec.target) continue;
    let node = config;
    for (const part of spec.target.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const setting = resolved.get(spec.key);
    if (!setting || (setting.value === null && OMIT_WHEN_NULL.has(spec.key))) continue;
    node[spec.target[spec.target.length - 1]] = setting.value;
  }
  return config as unknown as AppConfig;
}
