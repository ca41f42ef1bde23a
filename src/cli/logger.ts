/**
 * The run's logger: pino, always to stderr (stdout stays free for command output), pretty and
 * synchronous on a terminal, JSON lines otherwise. Secrets are removed twice over: pino's `redact`
 * paths for the well-known fields, and a scrub of every logged object, message and binding that hides
 * secret-named fields at any depth and passwords inside URLs.
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { prettyFactory } from "pino-pretty";
import { REDACTED, redactDeep, redactUrlPasswords } from "../config/redact.js";
import type { LogFormat, LogLevel } from "../config/schema.js";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; default stderr. Tests pass a stream to capture output. */
  destination?: NodeJS.WritableStream;
  /** Whether the destination is a terminal (decides `auto`); default: the destination's own isTTY. */
  isTTY?: boolean;
  /** Colours in pretty output; default: a terminal and NO_COLOR unset. */
  colorize?: boolean;
}

const SECRET_NAMES = [
  "password",
  "secret",
  "secretAccessKey",
  "accessKeyId",
  "secret_key",
  "access_key",
  "token",
];
/** pino redact paths: the secret names at the top level and up to three levels down. */
export const REDACT_PATHS: readonly string[] = SECRET_NAMES.flatMap((name) => [
  name,
  `*.${name}`,
  `*.*.${name}`,
  `*.*.*.${name}`,
]);

export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stderr;
  const isTTY = options.isTTY ?? (out as NodeJS.WriteStream).isTTY === true;
  const pretty = options.format === "pretty" || (options.format === "auto" && isTTY);
  const colorize = options.colorize ?? (isTTY && !process.env.NO_COLOR);
  const logger = pino(
    {
      level: options.level,
      base: undefined, // pid and hostname add noise to a CLI's log
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactDeep(object),
        bindings: (bindings) => redactDeep(bindings),
      },
      // formatters.log hands errors over already scrubbed and flattened; serialize only real Errors.
      serializers: {
        err: (error: unknown) => (error instanceof Error ? pino.stdSerializers.err(error) : error),
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed: unknown[] = args.map((arg, index) => {
            if (typeof arg === "string") return redactUrlPasswords(arg);
            // The merging object is scrubbed by formatters.log, where pino has already wrapped an Error as `err`.
            return index === 0 ? arg : redactDeep(arg);
          });
          // pino would take the message of a lone Error unscrubbed; give it the scrubbed one.
          if (scrubbed.length === 1 && scrubbed[0] instanceof Error) {
            scrubbed.push(redactUrlPasswords(scrubbed[0].message));
          }
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    pretty ? prettyDestination(out, colorize) : jsonDestination(out, options.destination === undefined),
  );
  scrubChildBindings(logger);
  return logger;
}

/**
 * pino applies `formatters.bindings` to the root's bindings only; children (which inherit `child` from
 * the root through their prototype chain) get their bindings scrubbed here.
 */
function scrubChildBindings(logger: Logger): void {
  const originalChild = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return originalChild.call(this, redactDeep(bindings), childOptions);
  } as Logger["child"];
}

/**
 * pino-pretty's formatter called in-line, not through its transport stream: every line is written
 * before the log call returns, so nothing is lost when the CLI exits right after an error.
 */
function prettyDestination(out: NodeJS.WritableStream, colorize: boolean): DestinationStream {
  const prettify = prettyFactory({ colorize, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  return { write: (line: string) => void out.write(prettify(line)) };
}

function jsonDestination(out: NodeJS.WritableStream, isStderr: boolean): DestinationStream {
  // Synchronous writes to fd 2: ordered with the progress bar and complete at process exit.
  if (isStderr) return pino.destination({ dest: 2, sync: true });
  return { write: (line: string) => void out.write(line) };
}
