/**
 * The catalog of settings: one entry per key, naming its YAML spellings (ours and the Python POC's),
 * its environment variables, its command-line option and its default. Loading, validation messages and
 * `config.example.yaml` all follow this one table, so a key cannot be half-supported.
 */
import { ENGINE_KEYS } from "./keys/engine-keys.js";
import type { KeySpec } from "./keys/key-spec.js";
import { LOGGING_KEYS } from "./keys/logging-keys.js";
import { OCP_ON_AWS_KEYS } from "./keys/ocp-on-aws-keys.js";
import { QUEUE_KEYS } from "./keys/queue-keys.js";
import { RUN_KEYS } from "./keys/run-keys.js";
import { STORAGE_KEYS } from "./keys/storage-keys.js";

export type { KeySpec, YamlAlias } from "./keys/key-spec.js";

/** In the order config.example.yaml and `--help` list them. */
export const KEY_SPECS: readonly KeySpec[] = [
  ...RUN_KEYS,
  ...STORAGE_KEYS,
  ...ENGINE_KEYS,
  ...OCP_ON_AWS_KEYS,
  ...LOGGING_KEYS,
  ...QUEUE_KEYS,
];
