/** Public face of the configuration area. */

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, isUsageFailure, UsageError } from "./errors.js";
export { environmentHelp } from "./help.js";
export { KEY_SPECS, type KeySpec } from "./keys.js";
export {
  type ConfigOverrides,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  loadConfigDetailed,
} from "./load.js";
export { ConfigError, type ConfigIssue, describeOrigin, type Origin } from "./origin.js";
export { isSecretField, REDACTED, redactConfig, redactDeep, redactUrlPasswords } from "./redact.js";
export { resolveDatabaseSchema, resolveRunParams } from "./run-params.js";
export type {
  AppConfig,
  CostCategorySetting,
  LogFormat,
  LogLevel,
  NodeRoleSetting,
  ProcessingMode,
  ProgressSetting,
} from "./schema.js";
