/**
 * A private copy of the compiled tree for the bench's children. Other work may rebuild dist/ while a long
 * bench runs; the copy makes every run of one bench measure the same build. It lives under the
 * repository's node_modules/.cache so the copied modules still resolve their dependencies.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

export interface DistSnapshot {
  /** The folder to run children from (the copy, or dist itself when no copy could be made). */
  dir: string;
  remove(): void;
}

export function snapshotDist(dist: string): DistSnapshot {
  const modules = join(dirname(dist), "node_modules");
  if (!existsSync(modules)) return { dir: dist, remove: () => {} };
  const dir = join(modules, ".cache", `ocp-aggregator-bench-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  // source maps are not needed to run
  cpSync(dist, dir, { recursive: true, filter: (source) => !source.endsWith(".map") });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
