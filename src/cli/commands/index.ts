/** The CLI's commands by module, each module loaded only when its command runs (see COMMANDS). */
import type { Command } from "commander";

export type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when needed: a run loads its own command's code, not every other
 * command's libraries (the queue's pg-boss, OCP-on-AWS, the bench, the generators, …). Loading all of them cost
 * every `aggregate` ~34 MB of resident memory and ~0.7 CPU s of start-up (`aggregate --help`: 115 → 81 MB,
 * 1.8 → 1.0 CPU s). Listed in help order; `names` are the commands a module registers (a test checks them).
 */
export const COMMANDS: { names: string[]; load: () => Promise<Register> }[] = [
  {
    names: ["aggregate"],
    load: async () => (await import("./aggregate.js")).registerAggregateCommand,
  },
  { names: ["bench"], load: async () => (await import("./bench.js")).registerBenchCommand },
  { names: ["db"], load: async () => (await import("./db.js")).registerDbCommand },
  { names: ["demo"], load: async () => (await import("./demo.js")).registerDemoCommand },
  {
    names: ["generate", "seed"],
    load: async () => (await import("./generate.js")).registerGenerateCommands,
  },
  { names: ["verify"], load: async () => (await import("./verify.js")).registerVerifyCommand },
  { names: ["submit", "worker"], load: async () => (await import("./queue.js")).registerQueueCommands },
  {
    names: ["ocp-on-aws", "generate-ocp-on-aws"],
    load: async () => (await import("./ocp-on-aws.js")).registerOcpOnAwsCommand,
  },
  {
    names: ["submit-ocp-on-aws"],
    load: async () => (await import("./submit-ocp-on-aws.js")).registerSubmitOcpOnAwsCommand,
  },
];
