/**
 * Runs a worker until SIGTERM or SIGINT, then stops it gracefully. The handlers go in before the worker
 * starts, so a signal during startup is honoured once the worker is up; a second signal exits at once
 * (running jobs are then left to the queue's timeout).
 */
import type { Logger } from "pino";
import type { SummaryWorker } from "./worker.js";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

export async function runUntilSignal(start: () => Promise<SummaryWorker>, logger: Logger): Promise<void> {
  let worker: SummaryWorker | null = null;
  let requested: NodeJS.Signals | null = null;
  let signals = 0;
  let finish: { resolve: () => void; reject: (error: unknown) => void } | null = null;
  const stopped = new Promise<void>((resolve, reject) => {
    finish = { resolve, reject };
  });
  const stop = (reason: string) => {
    worker?.stop(reason).then(finish?.resolve, finish?.reject);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    logger.info({ signal, count: signals }, "signal received");
    if (signals > 1) process.exit(signal === "SIGINT" ? 130 : 143);
    requested = signal;
    stop(signal);
  };
  // An embedded PostgreSQL server adds listeners that stop it and end the process (sink/embedded-process.ts);
  // a worker never starts one, and its shutdown must be the graceful one. One listener for the whole
  // life of the worker: removing and re-adding signal listeners can replay a signal.
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
  worker = await start();
  if (requested) stop(requested);
  await stopped;
}
