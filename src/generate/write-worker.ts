/**
 * Worker-thread entry of a generate job: the parent sets a heap limit on this thread, so a 20M-row run
 * stays in bounded memory whatever the process's own heap settings (V8 grows a roomy heap lazily).
 */
import { parentPort, workerData } from "node:worker_threads";
import { runWriteJob, type WriteJob } from "./write-job.js";

const port = parentPort;
if (!port) throw new Error("write-worker.js runs as a worker thread only");

let lastPosted = 0;
const result = runWriteJob(workerData as WriteJob, (done) => {
  // Progress at most every 100 ms: enough for a progress bar, no message flood.
  const now = Date.now();
  if (now - lastPosted < 100 && done.intervals < done.totalIntervals) return;
  lastPosted = now;
  port.postMessage({ kind: "progress", done });
});
port.postMessage({ kind: "result", result });
