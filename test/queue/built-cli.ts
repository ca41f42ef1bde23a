/**
 * The CLI as separate processes run it, built from the current sources for the queue tests: every src file
 * transpiled on its own by TypeScript's `transpileModule` (no type check: `tsc --noEmit` does that; ~2 s
 * instead of a full build's 20-50 s) into a private folder under node_modules/.cache, so the packages resolve
 * as from dist/ and a parallel `npm run build` or test is never disturbed.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

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
  const { config } = ts.readConfigFile(join(REPO, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, REPO);
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
