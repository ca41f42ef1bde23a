/**
 * Keys of the ocp-on-aws command: the AWS source, bill, markup, cost distribution and tag keys.
 */
import {
  nullableEnumKind,
  nullableId,
  nullableNonNegativeNumber,
  optionalTextKind,
  stringListKind,
} from "../schema.js";
import type { KeySpec } from "./key-spec.js";

export const OCP_ON_AWS_KEYS: readonly KeySpec[] = [
  // the ocp-on-aws command (its OCP source, cluster, report period and days are the run.* keys); `option` is
  // the ocp-on-aws option, named by validation errors
  {
    key: "ocp_on_aws.aws_source_uuid",
    target: ["ocpOnAws", "awsSourceUuid"],
    kind: optionalTextKind,
    default: null,
    env: ["OCP_AGG_AWS_SOURCE_UUID"],
    option: "--source-uuid",
    doc: "AWS source (provider) uuid of ocp-on-aws (its --source-uuid)",
  },
  {
    key: "ocp_on_aws.bill_id",
    target: ["ocpOnAws", "billId"],
    kind: nullableId,
    default: null,
    env: ["OCP_AGG_AWS_BILL_ID"],
    option: "--bill-id",
    doc: "Koku's AWS bill id written as cost_entry_bill_id (--bill-id)",
  },
  {
    key: "ocp_on_aws.markup",
    target: ["ocpOnAws", "markup"],
    kind: nullableNonNegativeNumber,
    default: null,
    env: ["OCP_AGG_AWS_MARKUP"],
    option: "--markup",
    doc: "markup fraction (--markup); unset: the AWS source's Koku cost model markup percent / 100 when the schema has one, else 0",
  },
  {
    key: "ocp_on_aws.distribution",
    target: ["ocpOnAws", "distribution"],
    kind: nullableEnumKind(["cpu", "memory"]),
    default: null,
    env: ["OCP_AGG_AWS_DISTRIBUTION"],
    option: "--distribution",
    doc: "instance cost split by cpu or memory effective usage (--distribution); unset: the OCP source's Koku cost model distribution_type when the schema has one, else cpu",
  },
  {
    key: "ocp_on_aws.aws_enabled_tag_keys",
    target: ["ocpOnAws", "awsEnabledTagKeys"],
    kind: stringListKind,
    default: null,
    env: ["OCP_AGG_AWS_ENABLED_TAG_KEYS"],
    option: "--aws-enabled-tag-keys",
    doc: "enabled AWS tag keys when the schema has no reporting_enabledtagkeys (--aws-enabled-tag-keys)",
  },
  {
    key: "ocp_on_aws.shared_ocp_sources",
    target: ["ocpOnAws", "sharedOcpSources"],
    kind: stringListKind,
    default: [],
    env: ["OCP_AGG_SHARED_OCP_SOURCES"],
    option: "--shared-ocp-source",
    doc: "other clusters on the AWS account, UUID=CLUSTER_ID[:ALIAS] (--shared-ocp-source)",
  },
];
