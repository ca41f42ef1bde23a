/**
 * The CLI loads only the module of the command it runs (src/cli/commands/index.ts): each entry's `names` must be
 * exactly the commands its module registers, or a command would be run without its own module being loaded.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";

describe("the CLI's lazily loaded command modules", () => {
  it("name exactly the commands each module registers, each name once", async () => {
    const all: string[] = [];
    for (const entry of COMMANDS) {
      const program = new Command();
      (await entry.load())(program);
      const registered = program.commands.map((c) => c.name());
      expect(registered.sort()).toEqual([...entry.names].sort());
      all.push(...registered);
    }
    expect(new Set(all).size).toBe(all.length);
  });
});
