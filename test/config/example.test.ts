import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { environmentHelp, KEY_SPECS, loadConfig, loadConfigDetailed } from "../../src/config/index.js";
import { defaultDataDir } from "../../src/sink/embedded-files.js";

const EXAMPLE = "config.example.yaml";
const text = readFileSync(EXAMPLE, "utf8");

describe("config.example.yaml", () => {
  it("loads cleanly and states the defaults", () => {
    const { config, warnings } = loadConfigDetailed({ file: EXAMPLE, env: {} });
    expect(warnings).toEqual([]);
    expect(config).toEqual(loadConfig({ env: {} }));
  });

  it("documents every key and every environment variable", () => {
    for (const spec of KEY_SPECS) {
      const leaf = spec.key.split(".").pop();
      expect(text, spec.key).toMatch(new RegExp(`^\\s*#?\\s*${leaf}:`, "m"));
      for (const name of spec.env) expect(text, `${spec.key} env`).toMatch(new RegExp(`\\b${name}\\b`));
      if (spec.option) expect(text, `${spec.key} option`).toContain(spec.option);
    }
  });
});

describe("environmentHelp", () => {
  it("lists every environment variable next to its key", () => {
    const help = environmentHelp();
    expect(help).toMatch(/OCP_AGG_CHUNK_SIZE\s+performance\.chunk_size: rows per decoded batch/);
    for (const spec of KEY_SPECS) for (const name of spec.env) expect(help).toContain(name);
  });
});

describe("config.example.yaml and the embedded PostgreSQL", () => {
  it("names the default data folder the code uses", () => {
    const suffix = defaultDataDir().split("/").slice(-2).join("/");
    expect(suffix).toBe("ocp-aggregator/pg");
    expect(text).toMatch(/# data_dir: ~\/\.local\/share\/ocp-aggregator\/pg\n/);
  });
});
