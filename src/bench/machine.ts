/** Where and on what a bench ran: machine, Node, git commit. Written into bench.json beside the figures. */
import { execFileSync } from "node:child_process";
import { arch, cpus, hostname, platform, release, totalmem } from "node:os";
import type { MachineInfo } from "./schema.js";

export function machineInfo(versions: { duckdb: string | null; postgres: string | null }): MachineInfo {
  const cores = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    release: release(),
    arch: arch(),
    cpuModel: cores[0]?.model.trim() ?? "unknown",
    cpus: cores.length,
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    duckdb: versions.duckdb,
    postgres: versions.postgres,
  };
}

/** The checked-out commit and whether the work tree has changes; nulls outside a git checkout. */
export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  const git = (args: string[]) =>
    execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const commit = git(["rev-parse", "HEAD"]);
    let dirty: boolean | null = null;
    try {
      dirty = git(["status", "--porcelain", "--untracked-files=no"]).length > 0;
    } catch {
      dirty = null;
    }
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}
