/**
 * Generates an OCP-on-AWS dataset: the scenario's clusters (the OCP generator, each into the same root) and the
 * AWS source's CUR Parquet in Koku's layout, plus `ocp-on-aws.json` with the run parameters.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { generateDataset } from "../../generate/index.js";
import type { DatasetParams } from "../../generate/params-file.js";
import { uuid5 } from "../../generate/uuid5.js";
import type { OcpOnAwsParams } from "../model.js";
import { writeCurParquet } from "./cur-parquet.js";
import { DAILY_COLUMN_ORDER, dailyRows, hourlyRows } from "./cur-rows.js";
import { type AwsScenario, type CurLineItem, loadAwsScenario } from "./cur-scenario.js";

export const OCP_ON_AWS_PARAMS_FILE = "ocp-on-aws.json";

export interface OcpOnAwsDataset {
  dir: string;
  scenario: AwsScenario;
  /** One per cluster; the first is the run's. */
  clusters: DatasetParams[];
  /** The run of the first cluster. */
  params: OcpOnAwsParams;
  aws: { enabledTagKeys: string[]; accountAliases: { id: number; account_id: string; alias: string }[] };
  orgId: string | null;
  rows: { hourly: number; daily: number };
}

export const HOURLY_COLUMN_ORDER = [
  "identity_timeinterval",
  "bill_invoiceid",
  "bill_billingentity",
  "bill_billtype",
  "bill_payeraccountid",
  "bill_billingperiodstartdate",
  "bill_billingperiodenddate",
  "lineitem_usageaccountid",
  "lineitem_lineitemtype",
  "lineitem_usagestartdate",
  "lineitem_usageenddate",
  "lineitem_productcode",
  "lineitem_usagetype",
  "lineitem_operation",
  "lineitem_availabilityzone",
  "lineitem_resourceid",
  "lineitem_usageamount",
  "lineitem_normalizationfactor",
  "lineitem_normalizedusageamount",
  "lineitem_currencycode",
  "lineitem_unblendedrate",
  "lineitem_unblendedcost",
  "lineitem_blendedrate",
  "lineitem_blendedcost",
  "lineitem_lineitemdescription",
  "lineitem_legalentity",
  "product_productname",
  "product_instancetype",
  "product_productfamily",
  "product_region",
  "product_operatingsystem",
  "product_vcpu",
  "product_memory",
  "pricing_publicondemandcost",
  "pricing_publicondemandrate",
  "pricing_unit",
  "savingsplan_savingsplaneffectivecost",
  "resourcetags",
  "costcategory",
];

export async function generateOcpOnAwsDataset(options: {
  scenario: string | AwsScenario;
  out: string;
  seed?: number;
}): Promise<OcpOnAwsDataset> {
  const scenario =
    typeof options.scenario === "string" ? loadAwsScenario(options.scenario) : options.scenario;
  const seed = options.seed ?? 1;
  const clusters: DatasetParams[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "ocp-on-aws-gen-"));
  try {
    for (let i = 0; i < scenario.clusters.length; i++) {
      const descriptionFile = join(scratch, `cluster-${i}.yaml`);
      writeFileSync(descriptionFile, toYaml(scenario.clusters[i].ocp));
      const generated = await generateDataset({ out: join(scratch, `cluster-${i}`), descriptionFile, seed });
      cpSync(join(generated.dir, "data"), join(options.out, "data"), { recursive: true });
      clusters.push(generated.params);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const written = writeAwsSource(options.out, {
    name: scenario.name,
    seed,
    main: clusters[0].run,
    clusters: clusters.map((c) => c.run),
    items: scenario.line_items,
    aws: scenario.aws,
  });
  return { dir: options.out, scenario, clusters, ...written };
}

export interface AwsSourceInput {
  name: string;
  seed: number;
  main: DatasetParams["run"];
  /** Every cluster's run (ocp-on-aws.json lists them). */
  clusters: DatasetParams["run"][];
  items: CurLineItem[];
  aws: AwsScenario["aws"];
}

/** Writes the AWS source's CUR (hourly and daily, Koku's layout) and ocp-on-aws.json for the main cluster's run. */
export function writeAwsSource(
  out: string,
  input: AwsSourceInput,
): Omit<OcpOnAwsDataset, "dir" | "scenario" | "clusters"> {
  const { main, seed } = input;
  const scenario = { name: input.name, aws: input.aws, line_items: input.items };
  if (main.clusterId === null || main.reportPeriodId === null) {
    throw new Error(
      `scenario ${scenario.name}: the first cluster needs run.cluster_id and run.report_period_id`,
    );
  }
  const awsSource = scenario.aws.source_uuid ?? uuid5(`ocp-on-aws:${scenario.name}:${seed}:aws`);
  const org = main.orgId ?? "org1234567";
  const mm = String(main.month).padStart(2, "0");
  const rowsOptions = {
    startDate: main.startDate,
    endDate: main.endDate,
    accountId: scenario.aws.account_id,
    payerAccountId: scenario.aws.payer_account_id,
    seed,
    year: main.year,
    month: main.month,
  };
  const hourly = hourlyRows(scenario.line_items, rowsOptions);
  const daily = dailyRows(hourly, seed);
  const base = `${main.year}-${mm}-01_manifestid-1_basefile-aws_cur_batch-0`;
  const partition = `source=${awsSource}/year=${main.year}/month=${mm}`;
  writeCurParquet(
    join(out, "data/parquet", org, "AWS", partition, `${base}_0.parquet`),
    HOURLY_COLUMN_ORDER,
    hourly,
    scenario.aws.cur2_names,
  );
  writeCurParquet(
    join(out, "data/parquet/daily", org, "AWS/raw", partition, `${base}_daily_0.parquet`),
    DAILY_COLUMN_ORDER,
    daily,
    scenario.aws.cur2_names,
  );
  const params: OcpOnAwsParams = {
    awsSourceUuid: awsSource,
    ocpSourceUuid: main.sourceUuid,
    year: main.year,
    month: main.month,
    startDate: main.startDate,
    endDate: main.endDate,
    clusterId: main.clusterId,
    clusterAlias: main.clusterAlias,
    billId: scenario.aws.bill_id,
    reportPeriodId: main.reportPeriodId,
    markup: scenario.aws.markup,
    distribution: scenario.aws.distribution,
  };
  const aws = { enabledTagKeys: scenario.aws.enabled_tag_keys, accountAliases: scenario.aws.account_aliases };
  writeFileSync(
    join(out, OCP_ON_AWS_PARAMS_FILE),
    `${JSON.stringify({ scenario: scenario.name, org_id: main.orgId, params, aws, clusters: input.clusters }, null, 2)}\n`,
  );
  return { params, aws, orgId: main.orgId, rows: { hourly: hourly.length, daily: daily.length } };
}
