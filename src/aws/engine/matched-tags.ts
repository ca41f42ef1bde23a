/**
 * The tag strings F1 searches for in an AWS row's `resourcetags` (spec §3):
 * - generic matches: keys enabled for BOTH AWS and OCP; (key, value) pairs of AWS rows of the range whose
 *   raw tag text contains such a key, equal case-insensitively to a pod or volume label pair of the cluster's
 *   summary rows whose label text contains such a key (Koku's Trino `reporting_ocpaws_matched_tags.sql`);
 *   written `"key": "value"` with the AWS spelling (aws_report_db_accessor.py `_get_matched_tags_strings`);
 * - the special tags (`ocp_special_matched_tags.sql`): `"openshift_cluster": "<id>"`, `… "<alias>"`,
 *   `"openshift_node": "<node>"`, `"openshift_project": "<namespace>"`, formatted without JSON escaping.
 */
import type { AwsDailyRow, OcpMatchables, OcpSummaryInput } from "../model.js";
import { matchedTagString, parseStringMap } from "./json-text.js";

/** Keys enabled for both providers (check_for_matching_enabled_keys). */
export function keysEnabledForBoth(awsKeys: readonly string[], ocpKeys: readonly string[]): string[] {
  const ocp = new Set(ocpKeys);
  return [...new Set(awsKeys)].filter((k) => ocp.has(k)).sort();
}

export function genericMatchedTags(
  awsRows: readonly AwsDailyRow[],
  ocpRows: readonly OcpSummaryInput[],
  bothKeys: readonly string[],
): string[] {
  if (bothKeys.length === 0) return [];
  const mentionsKey = (text: string | null) => text !== null && bothKeys.some((k) => text.includes(k));
  const awsPairs = new Map<string, [string, string]>();
  for (const row of awsRows) {
    if (!mentionsKey(row.resourceTags)) continue;
    for (const pair of parseStringMap(row.resourceTags) ?? []) awsPairs.set(JSON.stringify(pair), pair);
  }
  const ocpPairs = new Set<string>();
  for (const row of ocpRows) {
    if (!mentionsKey(row.podLabels) && !mentionsKey(row.volumeLabels)) continue;
    for (const text of [row.podLabels, row.volumeLabels]) {
      for (const [k, v] of parseStringMap(text) ?? [])
        ocpPairs.add(JSON.stringify([k.toLowerCase(), v.toLowerCase()]));
    }
  }
  const matches: string[] = [];
  for (const [key, value] of awsPairs.values()) {
    if (ocpPairs.has(JSON.stringify([key.toLowerCase(), value.toLowerCase()]))) {
      matches.push(matchedTagString(key, value));
    }
  }
  return [...new Set(matches)].sort();
}

export function specialMatchedTags(
  matchables: OcpMatchables,
  clusterId: string,
  clusterAlias: string | null,
): string[] {
  const tags = new Set<string>();
  tags.add(`"openshift_cluster": "${clusterId}"`);
  if (clusterAlias !== null) tags.add(`"openshift_cluster": "${clusterAlias}"`);
  for (const node of matchables.nodes) tags.add(`"openshift_node": "${node}"`);
  for (const namespace of matchables.namespaces) tags.add(`"openshift_project": "${namespace}"`);
  return [...tags];
}
