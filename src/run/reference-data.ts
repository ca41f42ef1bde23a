/**
 * Reference data of a run (spec §2.5): each of Koku's tables found in the target schema wins; a missing table
 * falls back to the config keys. Node roles with neither are derived from the data.
 */
import type pg from "pg";
import type { AppConfig } from "../config/schema.js";
import type { ReferenceData } from "../model.js";
import { readReferenceData } from "../sink/reference-tables.js";

export interface ResolvedReference {
  reference: ReferenceData;
  origins: { enabledTagKeys: string; costCategories: string; nodeRoles: string };
}

export async function resolveReferenceData(
  client: pg.ClientBase | null,
  schema: string,
  config: AppConfig,
): Promise<ResolvedReference> {
  const fromDb = client ? await readReferenceData(client, schema) : null;
  const cfg = config.reference;
  const pick = <T>(found: boolean | undefined, dbValue: T | undefined, cfgValue: T | null, fallback: T) => {
    if (found && dbValue !== undefined) return { value: dbValue, origin: `table in schema ${schema}` };
    if (cfgValue !== null) return { value: cfgValue, origin: "config" };
    return { value: fallback, origin: "none" };
  };
  const keys = pick(fromDb?.found.enabledTagKeys, fromDb?.enabledTagKeys, cfg.enabledTagKeys, [] as string[]);
  const cats = pick(fromDb?.found.costCategories, fromDb?.costCategories, cfg.costCategories, []);
  const roles = pick<ReferenceData["nodeRoles"]>(
    fromDb?.found.nodeRoles,
    fromDb?.nodeRoles,
    cfg.nodeRoles,
    null,
  );
  return {
    reference: { enabledTagKeys: keys.value, costCategories: cats.value, nodeRoles: roles.value },
    origins: {
      enabledTagKeys: keys.origin,
      costCategories: cats.origin,
      nodeRoles: roles.origin === "none" ? "derived from the pod data" : roles.origin,
    },
  };
}
