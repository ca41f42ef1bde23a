/**
 * The environment layer: our OCP_AGG_* names plus the Python POC's names (OCP_PROVIDER_UUID, S3_BUCKET,
 * POSTGRES_HOST ...). Per key the first variable listed in the catalog that is set (non-empty) wins.
 */
import { KEY_SPECS } from "./keys.js";
import type { Layer } from "./origin.js";

export function readEnvLayer(env: NodeJS.ProcessEnv): Layer {
  const layer: Layer = new Map();
  for (const spec of KEY_SPECS) {
    // An empty variable counts as unset: `export S3_ENDPOINT=` is how shells clear a value.
    const name = spec.env.find((candidate) => (env[candidate] ?? "") !== "");
    if (name !== undefined) layer.set(spec.key, { value: env[name], origin: { kind: "env", name } });
  }
  return layer;
}

/** Every environment variable the catalog reads, for documentation and `--help`. */
export function knownEnvNames(): string[] {
  return KEY_SPECS.flatMap((spec) => spec.env);
}
