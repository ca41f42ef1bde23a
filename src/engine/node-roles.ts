/**
 * Node roles for the unallocated rows (spec §2.5, §7): from reporting_ocp_nodes when the run was given it,
 * otherwise derived from the run's own rows the way Koku fills that table.
 */
import type { ReferenceData } from "../model.js";
import type { Interner } from "./interner.js";
import type { LabelAccumulator } from "./label-accumulator.js";
import { compileLike } from "./like.js";
import type { PodAccumulator } from "./pod-accumulator.js";
import { compareCodePoints } from "./values.js";

/** Role of a (node, resource id) pair; undefined when unknown. */
export type RoleLookup = (node: string, resourceId: string | null) => string | undefined;

const keyOf = (node: string, resource: string | null) => `${node}\u0000${resource ?? "\u0001null"}`;

function lookupOf(roles: Map<string, string | null>): RoleLookup {
  return (node, resourceId) => {
    // The SQL join is on equality: a null resource id matches nothing.
    if (resourceId === null) return undefined;
    return roles.get(keyOf(node, resourceId)) ?? undefined;
  };
}

/** Roles as reporting_ocp_nodes lists them; of several rows for one (node, resource id) the greatest wins. */
export function nodeRolesFromTable(rows: NonNullable<ReferenceData["nodeRoles"]>): RoleLookup {
  const roles = new Map<string, string | null>();
  for (const r of rows) {
    const k = keyOf(r.node, r.resource_id);
    const cur = roles.get(k);
    if (
      cur === undefined ||
      cur === null ||
      (r.node_role !== null && compareCodePoints(r.node_role, cur) > 0)
    ) {
      roles.set(k, r.node_role ?? cur ?? null);
    }
  }
  return lookupOf(roles);
}

/**
 * Roles derived from the data: for nodes with a node-label row in the range, the pods' node_role when given,
 * else master where an apiserver pod ran, infra where a label text says so, worker otherwise.
 */
export function deriveNodeRoles(
  interner: Interner,
  nodeLabels: LabelAccumulator,
  pods: PodAccumulator,
): RoleLookup {
  const roles = new Map<string, string | null>();
  // Nodes with a node-label row in the range, and whether any of their label texts says infra.
  const labelled = new Map<number, boolean>();
  for (let r = 0; r < nodeLabels.rows.size; r++) {
    const node = nodeLabels.rows.keyOf(r, 1);
    const text = interner.text(nodeLabels.rows.keyOf(r, 2));
    const infra = text !== null && isInfraLabelText(text);
    labelled.set(node, (labelled.get(node) ?? false) || infra);
  }
  const facts = pods.roleFacts;
  for (let f = 0; f < facts.size; f++) {
    const node = facts.keyOf(f, 0);
    const infra = labelled.get(node);
    if (infra === undefined) continue;
    const given = interner.text(pods.roleFactRole[f]);
    const derived = pods.roleFactApiserver[f] ? "master" : infra ? "infra" : "worker";
    roles.set(keyOf(interner.text(node) ?? "", interner.text(facts.keyOf(f, 1))), given ?? derived);
  }
  return lookupOf(roles);
}

/**
 * Koku's infra test (both renderings): a LIKE without ESCAPE on the node-label *text* as stored (a
 * varchar in Trino, a TextField on-prem), so `_` matches any character and the `": "` spacing must be
 * there; `{"node_role_kubernetes_io":"infra"}` written without the space is not infra.
 */
export const isInfraLabelText = compileLike('%"node_role_kubernetes_io": "infra"%', "trino");
