/**
 * The CLI as separate processes run it, built from the current sources for the queue tests: every src file
 * transpiled by esbuild (what vite uses anyway, ~1 s) into a private folder under node_modules/.cache, so the
 * packages resolve as from dist/. `npx tsc` would do the same in ~20-50 s; it is the fallback.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const REPO = join(import.meta.dirname, "..", "..");

export interface BuiltCli {
  /** The compiled `cli/main.js`; run as `node <mainJs> worker ...`. */
  mainJs: string;
  remove(): void;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(dir, name));
}

export async function buildCli(): Promise<BuiltCli> {
  const outDir = join(REPO, "node_modules", ".cache", `ocp-aggregator-queue-test-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const src = join(REPO, "src");
  try {
    const esbuild = await import("esbuild");
    await esbuild.build({
      entryPoints: sourceFiles(src),
      outdir: outDir,
      outbase: src,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "silent",
    });
    // data files next to the modules (scenario YAML and the like) travel along
    cpSync(src, outDir, {
      recursive: true,
      filter: (path) => !path.endsWith(".ts") || relative(src, path) === "",
    });
    return {
      mainJs: join(outDir, "cli", "main.js"),
      remove: () => rmSync(outDir, { recursive: true, force: true }),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    rmSync(outDir, { recursive: true, force: true });
    execFileSync(join(REPO, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], {
      cwd: REPO,
      stdio: "ignore",
    });
    return { mainJs: join(REPO, "dist", "cli", "main.js"), remove: () => {} };
  }
}
