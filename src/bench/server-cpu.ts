/**
 * CPU seconds used by the embedded PostgreSQL cluster: the postmaster's own, its reaped children's (backends
 * that ended: the kernel adds them to the parent's cutime/cstime), and its live children's (background
 * processes, backends still open). The difference across a run is the server's work for it, which other load
 * on the machine does not inflate the way it inflates wall time. Linux only (/proc); null elsewhere.
 */
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime */
  own: number;
  /** cutime + cstime (waited-for children) */
  children: number;
}

function readStat(pid: number | string): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces and parentheses): state is field 3.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const at = (field: number) => Number(fields[field - 3]);
    return { ppid: at(4), own: at(14) + at(15), children: at(16) + at(17) };
  } catch {
    return null;
  }
}

export function clusterCpuSeconds(postmasterPid: number | null): number | null {
  if (postmasterPid === null || process.platform !== "linux") return null;
  const postmaster = readStat(postmasterPid);
  if (!postmaster) return null;
  let ticks = postmaster.own + postmaster.children;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat?.ppid === postmasterPid) ticks += stat.own;
  }
  return ticks / TICKS_PER_SECOND;
}

/** Waits until the server has reaped a run's backends (their CPU then shows in the postmaster's cutime). */
export const settleServer = () => new Promise((resolve) => setTimeout(resolve, 250));
