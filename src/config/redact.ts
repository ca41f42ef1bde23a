/**
 * Secrets out of anything that may be printed: a config copy safe to log, and helpers the logger
 * uses to scrub passwords from URLs and secret-named fields wherever they appear.
 */
import type { AppConfig } from "./schema.js";

export const REDACTED = "***";

/** Field names whose values are always hidden (matched case-insensitively, ignoring `_` and `-`). */
const SECRET_FIELD =
  /^(password|passwd|pwd|secret|secretaccesskey|secretkey|accesskeyid|accesskey|token|apikey|credentials?|authorization)$/;

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name.toLowerCase().replace(/[_-]/g, ""));
}

/** `scheme://user:password@host` → `scheme://user:***@host`, anywhere inside a text. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s/@]*)@/gi;

export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (_match, userPart: string) => `${userPart}:${REDACTED}@`);
}

/** A deep copy with secret-named fields replaced and URL passwords hidden in every string. */
export function redactDeep<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === "string") return redactUrlPasswords(value) as T;
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]" as T;
  seen.add(value);
  if (value instanceof Error) return redactDeep(errorToPlain(value), seen) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, seen)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] =
      isSecretField(key) && child !== undefined && child !== null ? REDACTED : redactDeep(child, seen);
  }
  return copy as T;
}

/** A copy of the config safe to log: S3 keys, passwords and URL passwords become "***". */
export function redactConfig(config: AppConfig): AppConfig {
  return redactDeep(config);
}

/** Errors keep message and stack out of Object.entries; copy them so they can be scrubbed and logged. */
function errorToPlain(error: Error): Record<string, unknown> {
  const plain: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, child] of Object.entries(error)) plain[key] = child;
  if (error.cause !== undefined) plain.cause = error.cause;
  return plain;
}
