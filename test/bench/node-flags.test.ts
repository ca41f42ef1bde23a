/** The V8 flags of src/run/node-flags.ts are the ones the launcher and the container image start Node with. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NODE_FLAGS } from "../../src/run/node-flags.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe("Node flags", () => {
  it("bin/ocp-aggregator.js's shebang passes them (env -S)", () => {
    const shebang = readFileSync(join(ROOT, "bin", "ocp-aggregator.js"), "utf8").split("\n")[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(" ")}`);
  });

  it("the Containerfile's ENTRYPOINT passes them", () => {
    const entry = readFileSync(join(ROOT, "Containerfile"), "utf8")
      .split("\n")
      .find((line) => line.startsWith("ENTRYPOINT"));
    expect(JSON.parse((entry as string).slice("ENTRYPOINT".length))).toEqual([
      "node",
      ...NODE_FLAGS,
      "bin/ocp-aggregator.js",
    ]);
  });
});
