/**
 * A sized OCP-on-AWS dataset for measurements: a scale preset's cluster (the OCP generator) plus an AWS bill
 * built from it: one EC2 instance per node, one EBS volume per CSI volume (twice the PV's size, so part of it is
 * unattributed), one S3 bucket tagged openshift_project per namespace, and outbound data transfer per node.
 */

import { describeDataset } from "../../generate/describe.js";
import { generateDataset } from "../../generate/index.js";
import type { ScalePreset } from "../../generate/scale.js";
import type { AwsScenario, CurLineItem } from "./cur-scenario.js";
import { type OcpOnAwsDataset, writeAwsSource } from "./index.js";

export function scaleLineItems(
  spec: ReturnType<typeof describeDataset>,
  hoursInMonth: number,
): CurLineItem[] {
  const item = (fields: Partial<CurLineItem> & { cost: number }): CurLineItem => ({
    resource_id: "",
    product_code: "AmazonEC2",
    product_name: "",
    billing_entity: "AWS",
    product_family: "",
    usage_type: "",
    operation: "",
    line_item_type: "Usage",
    instance_type: "",
    region: "us-east-1",
    availability_zone: "us-east-1a",
    unit: "Hrs",
    usage: 1,
    savings_plan_effective_cost: 0,
    tags: {},
    cost_category: {},
    hours: 24,
    ...fields,
  });
  const items: CurLineItem[] = [];
  for (const node of spec.nodes) {
    items.push(
      item({
        resource_id: node.resourceId,
        product_family: "Compute Instance",
        usage_type: "BoxUsage:m5.2xlarge",
        instance_type: "m5.2xlarge",
        cost: 0.384,
      }),
    );
    items.push(
      item({
        resource_id: node.resourceId,
        product_family: "Data Transfer",
        usage_type: "USE1-DataTransfer-Out-Bytes",
        unit: "GB",
        cost: 0.009,
        usage: 0.1,
      }),
    );
  }
  for (const volume of spec.volumes) {
    if (!volume.csiVolumeHandle) continue;
    const size = Math.max(1, Math.round(volume.requestGiB * 2));
    items.push(
      item({
        resource_id: volume.csiVolumeHandle,
        product_family: "Storage",
        usage_type: "EBS:VolumeUsage.gp3",
        unit: "GB-Mo",
        cost: (size * 0.08) / hoursInMonth,
        rate: 0.08,
      }),
    );
  }
  const namespaces = new Set(spec.pods.map((p) => p.namespace));
  for (const namespace of namespaces) {
    items.push(
      item({
        resource_id: `${namespace}-bucket`,
        product_code: "AmazonS3",
        product_family: "Storage",
        unit: "GB-Mo",
        cost: 0.001,
        tags: { openshift_project: namespace },
      }),
    );
  }
  return items;
}

export async function generateOcpOnAwsScale(options: {
  scale: ScalePreset;
  out: string;
  seed?: number;
}): Promise<OcpOnAwsDataset> {
  const seed = options.seed ?? 1;
  const ocp = await generateDataset({ out: options.out, scale: options.scale, seed, overwrite: true });
  const spec = describeDataset({ scale: options.scale, seed });
  const main = {
    ...ocp.params.run,
    reportPeriodId: ocp.params.run.reportPeriodId ?? 1,
    clusterId: ocp.params.run.clusterId ?? "scale-cluster",
  };
  const hours = new Date(Date.UTC(main.year, main.month, 0)).getUTCDate() * 24;
  const aws: AwsScenario["aws"] = {
    account_id: "123456789012",
    payer_account_id: "123456789012",
    bill_id: 1,
    markup: 0,
    distribution: "cpu",
    enabled_tag_keys: [],
    account_aliases: [],
    cur2_names: false,
  };
  const written = writeAwsSource(options.out, {
    name: `scale-${options.scale}`,
    seed,
    main,
    clusters: [main],
    items: scaleLineItems(spec, hours),
    aws,
  });
  const scenario: AwsScenario = {
    name: `scale-${options.scale}`,
    description: "",
    poc: [],
    aws,
    clusters: [],
    line_items: [],
  };
  return { dir: options.out, scenario, clusters: [{ ...ocp.params, run: main }], ...written };
}
