/**
 * The OCP rows an AWS row's tags point to (F2's tag-match join), found through maps instead of testing every
 * (OCP row, AWS row) pair: rows by namespace and by node, the whole day for a matching openshift_cluster, and the
 * label substring searches run once per distinct label text. The result is exactly the rows for which
 * tagConditionHolds is true.
 */
import {
  NETWORK_UNATTRIBUTED,
  type OcpSummaryInput,
  PLATFORM_UNALLOCATED,
  STORAGE_UNATTRIBUTED,
  WORKER_UNALLOCATED,
} from "../model.js";
import type { AwsTempRow } from "./f1-match.js";
import { jsonValueOf } from "./json-text.js";

const NOT_TAG_MATCHED = new Set([
  WORKER_UNALLOCATED,
  PLATFORM_UNALLOCATED,
  STORAGE_UNATTRIBUTED,
  NETWORK_UNATTRIBUTED,
]);

/** What an AWS row's tags point to, read once per row: the openshift_* values and the label searches. */
export interface TagTargets {
  project: string | null;
  node: string | null;
  cluster: string | null;
  /** The matched-tag strings as F2 searches them in label text: split on ',', spaces removed. */
  searches: string[];
}

const targetsCache = new WeakMap<AwsTempRow, TagTargets>();

export function tagTargets(aws: AwsTempRow): TagTargets {
  let targets = targetsCache.get(aws);
  if (!targets) {
    targets = {
      project: jsonValueOf(aws.tags, "openshift_project"),
      node: jsonValueOf(aws.tags, "openshift_node"),
      cluster: jsonValueOf(aws.tags, "openshift_cluster"),
      searches: aws.matchedTag ? aws.matchedTag.split(",").map((t) => t.replaceAll(" ", "")) : [],
    };
    targetsCache.set(aws, targets);
  }
  return targets;
}

/** The F2 tag-match condition between an OCP summary row and a tag-matched AWS row. */
export function tagConditionHolds(ocp: OcpSummaryInput, t: TagTargets): boolean {
  // namespace != '…' is NULL (not true) for a NULL namespace in SQL: such rows never match
  if (ocp.namespace === null || NOT_TAG_MATCHED.has(ocp.namespace)) return false;
  if (t.project !== null && t.project === ocp.namespace) return true;
  if (t.node !== null && t.node === ocp.node) return true;
  if (t.cluster !== null && (t.cluster === ocp.clusterAlias || t.cluster === ocp.clusterId)) return true;
  for (const search of t.searches) {
    if (ocp.podLabels?.includes(search) || ocp.volumeLabels?.includes(search)) return true;
  }
  return false;
}

export class TagCandidates {
  private readonly byNamespace = new Map<string, OcpSummaryInput[]>();
  private readonly byNode = new Map<string, OcpSummaryInput[]>();
  private readonly byLabelText = new Map<string, OcpSummaryInput[]>();
  private readonly clusterNames = new Set<string>();
  private readonly searchCache = new Map<string, OcpSummaryInput[]>();
  /** Each row's position in the day, so results keep the day's row order. */
  private readonly order = new Map<OcpSummaryInput, number>();

  constructor(private readonly rows: readonly OcpSummaryInput[]) {
    const push = (map: Map<string, OcpSummaryInput[]>, key: string | null, row: OcpSummaryInput) => {
      if (key === null) return;
      const list = map.get(key);
      if (list) list.push(row);
      else map.set(key, [row]);
    };
    for (let i = 0; i < rows.length; i++) this.order.set(rows[i], i);
    for (const row of rows) {
      push(this.byNamespace, row.namespace, row);
      push(this.byNode, row.node, row);
      push(this.byLabelText, row.podLabels, row);
      if (row.volumeLabels !== row.podLabels) push(this.byLabelText, row.volumeLabels, row);
      if (row.clusterAlias !== null) this.clusterNames.add(row.clusterAlias);
      if (row.clusterId !== null) this.clusterNames.add(row.clusterId);
    }
  }

  private withLabel(search: string): OcpSummaryInput[] {
    let found = this.searchCache.get(search);
    if (!found) {
      found = [];
      for (const [text, rows] of this.byLabelText) {
        // row by row: a label shared by most pods can give more rows than a call's arguments may hold
        if (text.includes(search)) for (const row of rows) found.push(row);
      }
      this.searchCache.set(search, found);
    }
    return found;
  }

  /** The rows matching `t`, each once, in the day's row order. */
  matching(t: TagTargets): OcpSummaryInput[] {
    if (t.cluster !== null && this.clusterNames.has(t.cluster)) {
      return this.rows.filter((row) => tagConditionHolds(row, t));
    }
    const candidates = new Set<OcpSummaryInput>();
    if (t.project !== null) for (const row of this.byNamespace.get(t.project) ?? []) candidates.add(row);
    if (t.node !== null) for (const row of this.byNode.get(t.node) ?? []) candidates.add(row);
    for (const search of t.searches) for (const row of this.withLabel(search)) candidates.add(row);
    const order = this.order;
    return [...candidates]
      .filter((row) => tagConditionHolds(row, t))
      .sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  }
}

/** One TagCandidates per day. */
export function tagCandidatesByDay(rows: readonly OcpSummaryInput[]): Map<string, TagCandidates> {
  const days = new Map<string, OcpSummaryInput[]>();
  for (const row of rows) {
    const list = days.get(row.usageStart);
    if (list) list.push(row);
    else days.set(row.usageStart, [row]);
  }
  return new Map([...days].map(([day, list]) => [day, new TagCandidates(list)]));
}
