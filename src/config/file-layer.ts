/**
 * The YAML file layer: reads our layout and the Python POC's, expands `${VAR}` references, and turns
 * every recognised key into a catalog setting. Unknown keys are handed back separately: load.ts decides
 * whether each is a warning or an error (unknown top-level entries always are errors, see `UnknownKey`).
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, type Node, parseDocument } from "yaml";
import { KEY_SPECS, type KeySpec } from "./keys.js";
import { ConfigError, type Layer } from "./origin.js";
import { substituteEnv } from "./substitute.js";

/** POC settings with no meaning here: accepted with a gentler warning than unknown keys. */
const IGNORED_POC_KEYS: readonly string[] = [
  "features",
  "validation",
  "logging.show_sql",
  "ocp.parquet_path_pod",
  "ocp.parquet_path_pod_hourly",
  "ocp.parquet_path_storage",
  "ocp.parquet_path_node_labels",
  "ocp.parquet_path_namespace_labels",
  "performance.cache_enabled_tags",
  "performance.db_batch_size",
  "performance.delete_intermediate_dfs",
  "performance.gc_after_aggregation",
  "performance.max_workers",
  "performance.parallel_chunks",
  "performance.parallel_readers",
  "performance.streaming_threshold_rows",
  "performance.use_arrow_compute",
  "performance.use_bulk_copy",
  "s3.verify_ssl",
];

interface Spelling {
  spec: KeySpec;
  /** Our own key (wins over POC/flat spellings when both appear in one file). */
  canonical: boolean;
  map?: (value: unknown) => unknown;
}

const SPELLINGS: ReadonlyMap<string, Spelling> = new Map(
  KEY_SPECS.flatMap((spec): [string, Spelling][] => [
    [spec.key, { spec, canonical: true }],
    ...(spec.aliases ?? []).map((alias): [string, Spelling] => [
      alias.key,
      { spec, canonical: false, map: alias.map },
    ]),
  ]),
);

/** Section names that hold known keys (`ocp`, `s3`, `run` ...): an empty section is fine. */
const SECTIONS = new Set([...SPELLINGS.keys()].flatMap((key) => sectionsOf(key)));
function sectionsOf(key: string): string[] {
  const parts = key.split(".");
  return parts.slice(0, -1).map((_, index) => parts.slice(0, index + 1).join("."));
}

/** Fields of a generated dataset's params.json (readable as a config file) that describe, not configure. */
const DATASET_DESCRIPTION_KEYS: readonly string[] = ["counts"];

const isIgnoredPocKey = (key: string): boolean =>
  IGNORED_POC_KEYS.some((ignored) => key === ignored || key.startsWith(`${ignored}.`));

/** A key of the file that means nothing here. */
export interface UnknownKey {
  file: string;
  /** As written, dotted (`run.cluster_alais`). */
  key: string;
  /** ` (did you mean X?)` or "". */
  suggestion: string;
  /**
   * At the top level: a misspelt section (`databse:`) drops every setting in it, e.g. sending the rows to
   * the embedded database instead of the configured one, so it is an error whatever the strictness.
   */
  topLevel: boolean;
}

export interface FileLayer {
  layer: Layer;
  warnings: string[];
  unknownKeys: UnknownKey[];
}

export function readFileLayer(file: string, env: NodeJS.ProcessEnv): FileLayer {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError([{ key: file, message: `cannot read config file: ${reason}` }]);
  }
  return parseConfigText(text, file, env);
}

/** Parses YAML (or JSON) text; `file` names the source in messages. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv): FileLayer {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const first = document.errors[0].message.split("\n")[0];
    throw new ConfigError([{ key: file, message: `invalid YAML: ${first}` }]);
  }
  const layer: Layer = new Map();
  const warnings: string[] = [];
  const unknownKeys: UnknownKey[] = [];
  const chosenSpelling = new Map<string, Spelling & { key: string }>();
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { layer, warnings, unknownKeys };
  if (!isMap(root)) {
    throw new ConfigError([{ key: file, message: "expected a mapping of settings at the top level" }]);
  }

  const take = (key: string, spelling: Spelling, node: Node | null): void => {
    const previous = chosenSpelling.get(spelling.spec.key);
    if (previous && (previous.canonical || !spelling.canonical)) {
      warnings.push(`config warning: ${file}: ${key} ignored, ${previous.key} is also set`);
      return;
    }
    if (previous) warnings.push(`config warning: ${file}: ${previous.key} ignored, ${key} is also set`);

    const raw: unknown = node === null ? null : node.toJSON();
    const expanded = substituteEnv(raw, env);
    if (!expanded.ok) {
      warnings.push(
        `config warning: ${file}: ${key} ignored, environment variable ${expanded.missing.join(", ")} is not set`,
      );
      return;
    }
    const sourceText =
      node && isScalar(node) && typeof node.value !== "string" && node.value !== null
        ? node.source
        : undefined;
    const value = spelling.map ? spelling.map(expanded.value) : expanded.value;
    chosenSpelling.set(spelling.spec.key, { ...spelling, key });
    layer.set(spelling.spec.key, {
      value,
      sourceText: typeof sourceText === "string" ? sourceText : undefined,
      origin: { kind: "file", file, key, vars: [...new Set(expanded.vars)] },
    });
  };

  const visit = (node: Node | null, key: string): void => {
    const spelling = SPELLINGS.get(key);
    if (spelling) {
      take(key, spelling, node);
      return;
    }
    if (DATASET_DESCRIPTION_KEYS.includes(key)) return;
    if (isIgnoredPocKey(key)) {
      warnings.push(`config warning: ${file}: ${key} ignored (a POC setting ocp-aggregator does not use)`);
      return;
    }
    // Only known sections are walked: an unknown section is reported once, not leaf by leaf.
    if (isMap(node) && (key === "" || SECTIONS.has(key))) {
      for (const pair of node.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value as Node | null, key === "" ? name : `${key}.${name}`);
      }
      return;
    }
    const emptySection = SECTIONS.has(key) && (node === null || (isScalar(node) && node.value === null));
    if (!emptySection)
      unknownKeys.push({ file, key, suggestion: suggestionFor(key), topLevel: !key.includes(".") });
  };

  visit(root, "");
  return { layer, warnings, unknownKeys };
}

/** " (did you mean X?)" for a near miss: same last part, or a small typo (keys and section names). */
function suggestionFor(key: string): string {
  const leaf = key.split(".").pop() ?? key;
  let best: { key: string; distance: number } | null = null;
  for (const known of [...SPELLINGS.keys(), ...SECTIONS]) {
    const knownLeaf = known.split(".").pop() ?? known;
    const distance = Math.min(editDistance(known, key), editDistance(knownLeaf, leaf) + 0.5);
    if (distance <= 2.5 && (!best || distance < best.distance)) best = { key: known, distance };
  }
  return best ? ` (did you mean ${best.key}?)` : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
