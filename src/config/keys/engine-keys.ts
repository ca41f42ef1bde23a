/**
 * Keys of how the engine reads its input (streaming or in memory, batch size, column filtering, read-ahead)
 * and the reference data it uses when the database has no Koku tables.
 */
import {
  booleanKind,
  costCategoriesKind,
  enumKind,
  nodeRolesKind,
  nonNegativeInteger,
  positiveInteger,
  stringListKind,
} from "../schema.js";
import type { KeySpec } from "./key-spec.js";

const streamingFlagToMode = (value: unknown): unknown => {
  const flag = typeof value === "string" ? booleanKind.fromText(value) : value;
  if (flag === true) return "streaming";
  if (flag === false) return "in-memory";
  return value;
};

export const ENGINE_KEYS: readonly KeySpec[] = [
  // performance
  {
    key: "performance.mode",
    target: ["performance", "mode"],
    kind: enumKind(["streaming", "in-memory"], { inmemory: "in-memory", in_memory: "in-memory" }),
    default: "streaming",
    env: ["OCP_AGG_MODE"],
    aliases: [{ key: "performance.use_streaming", map: streamingFlagToMode }, { key: "mode" }],
    option: "--mode",
    doc: "streaming (bounded memory) or in-memory (read ahead everything); identical rows",
  },
  {
    key: "performance.chunk_size",
    target: ["performance", "chunkSize"],
    kind: positiveInteger,
    default: 100000,
    env: ["OCP_AGG_CHUNK_SIZE"],
    doc: "rows per decoded batch",
  },
  {
    key: "performance.column_filtering",
    target: ["performance", "columnFiltering"],
    kind: booleanKind,
    default: true,
    env: ["OCP_AGG_COLUMN_FILTERING"],
    doc: "read only the columns the summary needs",
  },
  {
    key: "performance.use_categorical",
    target: ["performance", "useCategorical"],
    kind: booleanKind,
    default: true,
    env: ["OCP_AGG_USE_CATEGORICAL"],
    doc: "hand dictionary-encoded strings to the engine as codes",
  },
  {
    key: "performance.read_ahead_row_groups",
    target: ["performance", "readAheadRowGroups"],
    kind: nonNegativeInteger,
    default: 2,
    env: ["OCP_AGG_READ_AHEAD_ROW_GROUPS"],
    doc: "row groups decoded ahead of the aggregation in streaming mode",
  },
  // reference data used when the database has no Koku tables
  {
    key: "reference.enabled_tag_keys",
    target: ["reference", "enabledTagKeys"],
    kind: stringListKind,
    default: null,
    env: ["OCP_AGG_ENABLED_TAG_KEYS"],
    aliases: [{ key: "enabled_tag_keys" }],
    doc: "enabled OCP tag keys (env: comma list or JSON array)",
  },
  {
    key: "reference.cost_categories",
    target: ["reference", "costCategories"],
    kind: costCategoriesKind,
    default: null,
    env: ["OCP_AGG_COST_CATEGORIES"],
    aliases: [{ key: "cost_categories" }],
    doc: "cost-category namespace LIKE patterns (env: JSON array)",
  },
  {
    key: "reference.node_roles",
    target: ["reference", "nodeRoles"],
    kind: nodeRolesKind,
    default: null,
    env: ["OCP_AGG_NODE_ROLES"],
    aliases: [{ key: "node_roles" }],
    doc: "node roles as in reporting_ocp_nodes (env: JSON array)",
  },
];
