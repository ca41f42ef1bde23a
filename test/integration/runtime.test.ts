/**
 * The runtime the project brings: `npm ci` installs the devDependency "node" into node_modules/.bin, which
 * npm scripts and npx put first on PATH, so `npm test` and `npx ocp-aggregator` run on it even where the
 * system node is older. The test names carry the version the suite actually ran on.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../helpers/dist.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => v.replace(/^v/, "").split(".").map(Number));
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

beforeAll(() => ensureBuilt(), 180_000);

describe(`runtime (the suite runs on Node ${process.version})`, () => {
  it("runs on a Node within package.json engines", () => {
    const minimum = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1];
    expect(minimum, `engines.node "${pkg.engines.node}"`).toBeDefined();
    expect(atLeast(process.versions.node, minimum as string), process.version).toBe(true);
  });

  it("brings the Node of its devDependency in node_modules/.bin", () => {
    const bundled = spawnSync(join(ROOT, "node_modules", ".bin", "node"), ["--version"], {
      encoding: "utf8",
    });
    expect(bundled.error).toBeUndefined();
    expect(bundled.stdout.trim()).toBe(`v${pkg.devDependencies.node}`);
  });

  it("names the Node it runs on in --version, and refuses an older one clearly", () => {
    const cli = join(ROOT, "bin", "ocp-aggregator.js");
    const version = spawnSync(process.execPath, [cli, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(`ocp-aggregator 0.1.0 (Node.js ${process.version})`);
    // the launcher's check, as an older node would see it (its version faked through the same test)
    const old = spawnSync(
      process.execPath,
      [
        "--import",
        "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.20.2'})",
        cli,
        "--version",
      ],
      {
        encoding: "utf8",
      },
    );
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/needs Node\.js >= 22\.12; this is/);
  });
});
