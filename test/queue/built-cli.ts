/**
 * The CLI as separate processes run it, built from the current sources for the queue tests: the TypeScript
 * compiler (TypeScript 7, native: a few seconds) writes into a private folder under node_modules/.cache, so
 * the packages resolve as from dist/ and a parallel `npm run build` or test is never disturbed.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const REPO = join(import.meta.dirname, "..", "..");

export interface BuiltCli {
  /** The compiled `cli/main.js`; run as `node <mainJs> worker ...`. */
  mainJs: string;
  remove(): void;
}

export async function buildCli(): Promise<BuiltCli> {
  const outDir = join(REPO, "node_modules", ".cache", `ocp-aggregator-queue-test-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const src = join(REPO, "src");
  try {
    execFileSync(
      process.execPath,
      [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json", "--outDir", outDir],
      { cwd: REPO, stdio: "pipe" },
    );
    // data files next to the modules (scenario YAML and the like) travel along
    cpSync(src, outDir, {
      recursive: true,
      filter: (path) => !path.endsWith(".ts") || relative(src, path) === "",
    });
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
  return {
    mainJs: join(outDir, "cli", "main.js"),
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
