/**
 * A chunk with more project rows than a function call may take as arguments (~120,000 on Node's default
 * stack): the engine collects them row by row, and the instance's cost is split over every pod exactly.
 */
import { describe, expect, it } from "vitest";
import { runOcpOnAws } from "../../src/aws/engine/ocp-on-aws-engine.js";
import type { AwsDailyRow, OcpSummaryInput } from "../../src/aws/model.js";

const DAY = "2025-10-01";
const PODS = 130_000;
const COST = 13;

const ec2: AwsDailyRow = {
  rowUuid: "row-1",
  resourceId: "i-0big",
  usageStart: DAY,
  billingEntity: "AWS",
  productCode: "AmazonEC2",
  productName: "Amazon Elastic Compute Cloud",
  usageAccountId: "123456789012",
  availabilityZone: "us-east-1a",
  productFamily: "Compute Instance",
  instanceType: "m5.24xlarge",
  region: "us-east-1",
  unit: "Hrs",
  usageType: "BoxUsage:m5.24xlarge",
  operation: "RunInstances",
  lineItemType: "Usage",
  currencyCode: "USD",
  resourceTags: "{}",
  costCategory: null,
  usageAmount: 24,
  unblendedCost: COST,
  blendedCost: COST,
  savingsPlanEffectiveCost: 0,
};

function pod(i: number): OcpSummaryInput {
  return {
    sourceUuid: "6e1ad9b0-3b2a-4b8e-9a0f-1d2c3b4a5e6f",
    clusterId: "big",
    clusterAlias: "Big",
    dataSource: "Pod",
    usageStart: DAY,
    namespace: `ns-${i}`,
    node: "node-0",
    resourceId: "i-0big",
    podLabels: "{}",
    volumeLabels: null,
    // every pod uses the same share: together exactly the node's capacity
    podEffectiveUsageCpuCoreHours: 1,
    podEffectiveUsageMemoryGigabyteHours: 1,
    nodeCapacityCpuCoreHours: PODS,
    nodeCapacityMemoryGigabyteHours: PODS,
    persistentvolumeclaim: null,
    persistentvolume: null,
    storageclass: null,
    persistentvolumeclaimCapacityGigabyte: null,
    costCategoryId: null,
    csiVolumeHandle: null,
  };
}

describe("a chunk of more than 120,000 project rows", () => {
  it("is collected row by row, the cost split over every pod", () => {
    const ocpRows = Array.from({ length: PODS }, (_, i) => pod(i));
    const result = runOcpOnAws({
      params: {
        awsSourceUuid: "11111111-2222-4333-8444-555555555555",
        ocpSourceUuid: ocpRows[0].sourceUuid,
        year: 2025,
        month: 10,
        startDate: DAY,
        endDate: DAY,
        clusterId: "big",
        clusterAlias: "Big",
        billId: 1,
        reportPeriodId: 1,
        markup: 0,
        distribution: "cpu",
      },
      reference: { awsEnabledKeys: [], ocpEnabledKeys: [], accountAliases: new Map() },
      awsDaily: [ec2],
      awsHourly: new Map(),
      matchables: () => ({ nodeResourceIds: ["i-0big"], volumes: [], nodes: ["node-0"], namespaces: [] }),
      ocpRows,
      allOcpRows: ocpRows,
      newUuid: () => "uuid",
    });
    expect(result.rows.length).toBe(PODS);
    expect(new Set(result.rows.map((r) => r.namespace)).size).toBe(PODS);
    const total = result.rows.reduce((sum, r) => sum + (r.unblended_cost ?? 0), 0);
    expect(total).toBeCloseTo(COST, 6);
    expect(result.rows[0].unblended_cost).toBeCloseTo(COST / PODS, 12);
  });
});
