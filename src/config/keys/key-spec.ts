/**
 * The shape of one settings key: its YAML spellings, environment variables, command-line option and default.
 */
import type { ValueKind } from "../schema.js";

export interface YamlAlias {
  key: string;
  /** Converts the alias's value to the key's value (e.g. `use_streaming: false` → `in-memory`). */
  map?: (value: unknown) => unknown;
}

export interface KeySpec {
  /** Our YAML key (snake_case, mirroring AppConfig); also the name used in messages. */
  key: string;
  /** Where the value lands in AppConfig; null for inputs of derived values (S3 bucket, POSTGRES_* parts). */
  target: readonly string[] | null;
  kind: ValueKind;
  default?: unknown;
  /** Environment variables, most specific first: the first one set wins. */
  env: readonly string[];
  /** Other YAML spellings: the POC's layout and flat keys (as in the sample fixtures' params.json). */
  aliases?: readonly YamlAlias[];
  option?: string;
  secret?: boolean;
  doc: string;
}
