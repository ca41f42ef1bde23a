/**
 * Preloaded into every bench child (`node --import …/child-usage.js`): at exit, writes the process's own
 * getrusage (CPU seconds of all threads, peak RSS) to the file named by OCP_BENCH_USAGE_FILE. CPU seconds
 * tell the work done even when other processes on a busy machine stretch the wall time.
 */
import { writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

export interface ChildUsage {
  userCpuSeconds: number;
  systemCpuSeconds: number;
  maxRssMb: number;
}

const target = process.env.OCP_BENCH_USAGE_FILE;
// worker threads load the preload too; the main thread exits last and reports for the whole process
if (target && isMainThread) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    const report: ChildUsage = {
      userCpuSeconds: usage.userCPUTime / 1e6,
      systemCpuSeconds: usage.systemCPUTime / 1e6,
      maxRssMb: Math.round(usage.maxRSS / 1024),
    };
    writeFileSync(target, JSON.stringify(report));
  });
}
