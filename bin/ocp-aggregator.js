#!/usr/bin/env -S node --max-semi-space-size=4
// V8 flags in the shebang: see src/run/node-flags.ts (env -S splits them; GNU coreutils ≥ 8.30, macOS).
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// `npx ocp-aggregator` and npm scripts run it on the Node that `npm ci` put in node_modules/.bin (the
// devDependency "node"); started with an older system node directly, say so instead of failing obscurely.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `ocp-aggregator needs Node.js >= 22.12; this is ${process.version} (${process.execPath}). ` +
      "Run it as `npx ocp-aggregator …` in the project folder (npm ci installs Node 24 into node_modules/.bin), " +
      "or install Node 22.12+ / 24.",
  );
  process.exit(2);
}
import("../dist/cli/main.js").catch((err) => {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/cli/main.js")) {
    console.error("ocp-aggregator is not built yet: run `npm run build` (npm ci does it for you).");
    process.exit(1);
  }
  throw err;
});
