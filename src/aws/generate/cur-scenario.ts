/**
 * OCP-on-AWS generator scenarios: YAML files in src/aws/generate/scenarios/, each one or more generated
 * clusters (our own cluster description format, src/generate/own-format.ts) plus an AWS bill of line items
 * that repeat every hour of the first cluster's days. See scenarios/README.md for the keys.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Distribution } from "../model.js";

export const AWS_SCENARIO_DIR = fileURLToPath(
  new URL("../../../src/aws/generate/scenarios/", import.meta.url),
);

const tagMap = z.record(z.string(), z.coerce.string()).default({});

const lineItemSchema = z.object({
  resource_id: z.string().default(""),
  product_code: z.string().default("AmazonEC2"),
  product_name: z.string().default(""),
  billing_entity: z.string().default("AWS"),
  product_family: z.string().default(""),
  usage_type: z.string().default(""),
  operation: z.string().default(""),
  line_item_type: z.string().default("Usage"),
  instance_type: z.string().default(""),
  region: z.string().default("us-east-1"),
  availability_zone: z.string().default("us-east-1a"),
  unit: z.string().default("Hrs"),
  /** Per hour. */
  cost: z.number(),
  rate: z.number().optional(),
  blended_cost: z.number().optional(),
  usage: z.number().default(1),
  savings_plan_effective_cost: z.number().default(0),
  public_on_demand_cost: z.number().optional(),
  tags: tagMap,
  cost_category: tagMap,
  /** Hours per day the item appears (from 00:00). */
  hours: z.number().int().min(1).max(24).default(24),
  /** Only these days (default: every day of the run). */
  days: z.array(z.string()).optional(),
  account_id: z.string().optional(),
});

const scenarioSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** The POC scenario numbers (test-manifests/ocp-on-aws) this covers. */
  poc: z.array(z.coerce.string()).default([]),
  aws: z.object({
    source_uuid: z.string().optional(),
    account_id: z.string().default("123456789012"),
    payer_account_id: z.string().default("123456789012"),
    bill_id: z.number().int().default(1),
    markup: z.number().default(0),
    distribution: z.enum(["cpu", "memory"]).default("cpu"),
    enabled_tag_keys: z.array(z.string()).default([]),
    account_aliases: z
      .array(z.object({ id: z.number().int(), account_id: z.string(), alias: z.string() }))
      .default([]),
    /** Write CUR 2.0 snake-case column names instead of Koku's (as a CUR 2.0 export would have before translation). */
    cur2_names: z.boolean().default(false),
  }),
  /** Cluster descriptions; the first is the run's cluster, the others share the AWS account. */
  clusters: z.array(z.object({ ocp: z.record(z.string(), z.unknown()) })).min(1),
  line_items: z.array(lineItemSchema),
});

export type CurLineItem = z.infer<typeof lineItemSchema>;
export type AwsScenario = z.infer<typeof scenarioSchema> & { aws: { distribution: Distribution } };

export function parseAwsScenario(text: string, origin: string): AwsScenario {
  const parsed = scenarioSchema.safeParse(parseYaml(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${origin}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

export function listAwsScenarios(): { name: string; description: string; poc: string[]; path: string }[] {
  return readdirSync(AWS_SCENARIO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const path = join(AWS_SCENARIO_DIR, file);
      const s = parseAwsScenario(readFileSync(path, "utf8"), path);
      return { name: s.name, description: s.description, poc: s.poc, path };
    });
}

export function loadAwsScenario(name: string): AwsScenario {
  const found = listAwsScenarios().find((s) => s.name === name);
  if (!found)
    throw new Error(
      `unknown OCP-on-AWS scenario "${name}"; known: ${listAwsScenarios()
        .map((s) => s.name)
        .join(", ")}`,
    );
  return parseAwsScenario(readFileSync(found.path, "utf8"), found.path);
}
