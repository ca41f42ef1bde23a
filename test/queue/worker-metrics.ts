/**
 * Reading a running worker's Prometheus text: fetched from /metrics once the worker logged its port, and one
 * counter summed over its label sets.
 */
import { expect } from "vitest";
import type { CliProcess } from "./worker-process.js";

export async function metricsOf(worker: CliProcess): Promise<string> {
  const ready = await worker.waitForLog((line) => line.msg === "worker ready");
  const response = await fetch(`http://127.0.0.1:${ready.metricsPort}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Sum of every sample whose line starts with `name` (a metric name, optionally with a label prefix). */
export function counter(text: string, name: string): number {
  return text
    .split("\n")
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}
