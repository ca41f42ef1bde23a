/**
 * The one way tests build the CLI from the current sources:
 * - ensureBuilt(): dist/ as `npm run build` makes it (tests that run bin/, worker threads or the bench), rebuilt
 *   when a source file is newer, one builder at a time across parallel test files;
 * - buildCli(): a private transpiled copy under node_modules/.cache for tests that start many processes
 *   (the queue's workers): every src file transpiled on its own (no type check: `npm run typecheck` does that;
 *   ~2 s instead of a full build's 20-50 s), so a parallel build or test never changes the code they run.
 */
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";

export const ROOT = join(import.meta.dirname, "..", "..");
export const DIST = join(ROOT, "dist");
const BUILT = join(DIST, "cli", "main.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const isFresh = () => existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestMtime(join(ROOT, "src"));
/** Held while one test file builds, so parallel test files never run two compilers into dist/ at once. */
const BUILD_LOCK = join(tmpdir(), "ocp-aggregator-test-build.lock");
const STALE_LOCK_MS = 10 * 60_000;

/** Compiles src/ to dist/ when dist is missing or older than a source file (tsc emits despite type errors). */
export async function ensureBuilt(): Promise<void> {
  while (!isFresh()) {
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      // Someone else is building: wait for them, then look again (a crashed builder's lock expires).
      const lockedAt = statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > STALE_LOCK_MS) {
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      // Asynchronous: a synchronous build would starve the test worker's event loop (vitest's RPC times out).
      await promisify(execFile)(
        process.execPath,
        [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
        { cwd: ROOT },
      );
    } catch (error) {
      // Another engineer's half-done file may not type-check; the emitted JavaScript is still usable.
      if (!existsSync(BUILT)) throw error;
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
    return;
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(dir, name));
}

export interface BuiltCli {
  /** The compiled `cli/main.js`; run as `node <mainJs> worker ...`. */
  mainJs: string;
  remove(): void;
}

export async function buildCli(): Promise<BuiltCli> {
  const outDir = join(ROOT, "node_modules", ".cache", `ocp-aggregator-queue-test-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const src = join(ROOT, "src");
  const { config } = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  try {
    for (const file of sourceFiles(src)) {
      const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
        // every file is an ES module (package.json "type": "module", which transpileModule cannot see)
        compilerOptions: { ...options, module: ts.ModuleKind.ESNext, sourceMap: false, declaration: false },
        fileName: file,
      });
      const target = join(outDir, relative(src, file)).replace(/\.ts$/, ".js");
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
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
