/**
 * The import graph of src/ follows the data's way: every import points to the same or a lower layer, and no
 * file reaches itself through its imports (type-only imports count: a circle of types is still a circle).
 * Imports are read with TypeScript's own pre-processor (comments and strings handled), relative ones only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

/**
 * Layer of each top-level module of src/, lowest first. A module may import its own layer's folder and any
 * lower layer; folders sharing a rank are peers and do not import each other. model.ts imports nothing,
 * config/ only model.ts.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["model"],
  ["config"],
  ["source"],
  ["parquet"],
  ["engine"],
  ["sink"],
  ["generate", "reference"],
  ["run"],
  ["verify", "queue", "bench"],
  ["cli"],
];

/** Product areas that repeat the layers inside (src/aws/engine/ is an engine module, src/aws/model.ts a model). */
const PRODUCT_AREAS = new Set(["aws"]);
/** Lowest layer allowed to import a product area from outside it. */
const PRODUCT_USERS_FROM = "run";

const RANK = new Map<string, number>();
LAYERS.forEach((names, rank) => {
  for (const name of names) RANK.set(name, rank);
});

interface Placement {
  area: string | null;
  layer: string;
}

function placement(file: string): Placement {
  const parts = relative(SRC, file).replace(/\.ts$/, "").split("/");
  if (PRODUCT_AREAS.has(parts[0]) && parts.length > 1) return { area: parts[0], layer: parts[1] };
  return { area: null, layer: parts[0] };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith("."))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, ".ts")));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, relativeImports(f)]));
const show = (file: string) => relative(SRC, file);

describe("src/ import layering", () => {
  it("every top-level module of src/ has a layer", () => {
    const unplaced = [...new Set(files.map((f) => placement(f).layer))].filter((layer) => !RANK.has(layer));
    expect(unplaced, "add these to LAYERS in test/architecture/layers.test.ts").toEqual([]);
  });

  it("every relative import resolves to a file in src/", () => {
    const missing: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) if (!graph.has(target)) missing.push(`${show(file)} -> ${show(target)}`);
    }
    expect(missing).toEqual([]);
  });

  it("no import goes from a lower layer to a higher one, or between peers", () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = placement(file);
      const fromRank = RANK.get(from.layer) ?? -1;
      for (const target of targets) {
        const to = placement(target);
        const toRank = RANK.get(to.layer) ?? Number.POSITIVE_INFINITY;
        const why = `${show(file)} (${from.layer}) -> ${show(target)} (${to.layer})`;
        if (from.layer === "model" && !(to.layer === "model" && to.area !== null && from.area === to.area)) {
          violations.push(`${why}: model imports nothing`);
        } else if (toRank > fromRank) {
          violations.push(`${why}: upward`);
        } else if (toRank === fromRank && to.layer !== from.layer) {
          violations.push(`${why}: between peers`);
        } else if (
          to.area !== null &&
          to.area !== from.area &&
          fromRank < (RANK.get(PRODUCT_USERS_FROM) ?? 0)
        ) {
          violations.push(`${why}: only ${PRODUCT_USERS_FROM}/ and above use a product area`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("there is no import circle", () => {
    // Tarjan's strongly connected components; any component of more than one file is a circle.
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    const visit = (file: string): void => {
      index.set(file, counter);
      low.set(file, counter++);
      stack.push(file);
      onStack.add(file);
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (!index.has(next)) {
          visit(next);
          low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
        } else if (onStack.has(next)) {
          low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
        }
      }
      if (low.get(file) === index.get(file)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(show(member));
        } while (member !== file);
        if (component.length > 1 || (graph.get(file) ?? []).includes(file)) circles.push(component.sort());
      }
    };
    for (const file of graph.keys()) if (!index.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
