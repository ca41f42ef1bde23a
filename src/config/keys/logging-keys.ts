/**
 * Keys of how a run reports: strictness about unknown config keys, log level and format, the progress bar.
 */
import { booleanKind, enumKind } from "../schema.js";
import type { KeySpec } from "./key-spec.js";

const LOG_LEVEL_ALIASES = {
  warning: "warn",
  critical: "error",
  fatal: "error",
  verbose: "debug",
  notice: "info",
};
const LOG_FORMAT_ALIASES = { console: "pretty", text: "pretty", pretty: "pretty", json: "json" };
const PROGRESS_ALIASES = { true: "on", false: "off", yes: "on", no: "off", "1": "on", "0": "off" };

export const LOGGING_KEYS: readonly KeySpec[] = [
  // the configuration itself
  {
    key: "config.strict",
    target: ["strict"],
    kind: booleanKind,
    default: false,
    env: ["OCP_AGG_STRICT"],
    option: "--strict",
    doc: "unknown keys in the config file are errors (exit 2), not warnings; unknown top-level sections always are",
  },
  // logging
  {
    key: "logging.level",
    target: ["logging", "level"],
    kind: enumKind(["trace", "debug", "info", "warn", "error"], LOG_LEVEL_ALIASES),
    default: "info",
    env: ["OCP_AGG_LOG_LEVEL", "LOG_LEVEL"],
    option: "--log-level",
    doc: "trace, debug, info, warn or error (the POC's INFO/WARNING/... are accepted)",
  },
  {
    key: "logging.format",
    target: ["logging", "format"],
    kind: enumKind(["auto", "json", "pretty"], LOG_FORMAT_ALIASES),
    default: "auto",
    env: ["OCP_AGG_LOG_FORMAT"],
    option: "--log-format",
    doc: "auto (pretty on a terminal, JSON lines otherwise), json or pretty (POC: console)",
  },
  {
    key: "logging.progress",
    target: ["logging", "progress"],
    kind: enumKind(["auto", "on", "off"], PROGRESS_ALIASES),
    default: "auto",
    env: ["OCP_AGG_PROGRESS"],
    option: "--progress",
    doc: "progress bar: auto (terminal and not CI), on or off",
  },
];
