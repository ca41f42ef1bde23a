/**
 * Named scenarios: small YAML descriptions shipped in src/generate/scenarios/, each stating the
 * behaviour it exercises. The folder is found from this module's own location, so it works from
 * src/ (vitest, tsx) and from dist/ (the compiled CLI): both sit two levels below the package root.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { parseOwnDescription } from "./own-format.js";
import type { DatasetSpec } from "./spec.js";

export const SCENARIO_DIR = fileURLToPath(new URL("../../src/generate/scenarios/", import.meta.url));

export interface ScenarioInfo {
  name: string;
  description: string;
  path: string;
}

export function listScenarios(): ScenarioInfo[] {
  return readdirSync(SCENARIO_DIR)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const path = join(SCENARIO_DIR, file);
      const doc = parseYaml(readFileSync(path, "utf8")) as { name?: string; description?: string };
      return {
        name: doc.name ?? file.replace(/\.yaml$/, ""),
        description: (doc.description ?? "").trim(),
        path,
      };
    });
}

export function scenarioPath(name: string): string {
  const found = listScenarios().find((s) => s.name === name);
  if (!found) {
    const names = listScenarios()
      .map((s) => s.name)
      .join(", ");
    throw new Error(`unknown scenario "${name}"; known: ${names}`);
  }
  return found.path;
}

export function loadScenario(name: string): DatasetSpec {
  const path = scenarioPath(name);
  return parseOwnDescription(readFileSync(path, "utf8"), path);
}
