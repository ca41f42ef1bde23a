/**
 * The highest layer: values the command line passes in, shaped like (a part of) AppConfig. Commander
 * hands over text, so leaves may be strings; they are coerced and validated like env values.
 */
import { KEY_SPECS } from "./keys.js";
import type { Layer } from "./origin.js";
import type { AppConfig } from "./schema.js";

type Overridable<T> = T extends readonly unknown[]
  ? T | string
  : T extends object
    ? { [K in keyof T]?: Overridable<T[K]> }
    : T | string;

/** A partial AppConfig; `undefined` means "not given", `null` means "explicitly none". */
export type ConfigOverrides = Overridable<AppConfig>;

export function readOverrideLayer(overrides: ConfigOverrides | undefined): Layer {
  const layer: Layer = new Map();
  if (!overrides) return layer;
  for (const spec of KEY_SPECS) {
    if (!spec.target) continue;
    let value: unknown = overrides;
    for (const part of spec.target) {
      value =
        value !== null && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined) continue;
    const option = spec.option ?? `override ${spec.target.join(".")}`;
    layer.set(spec.key, { value, origin: { kind: "override", option } });
  }
  return layer;
}
