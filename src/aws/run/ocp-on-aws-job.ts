/**
 * The `ocp-on-aws` job: config → input → database → reference data → the OCP summary rows of the cluster
 * (our own engine, the same library call as `aggregate`) → the AWS CUR → Koku's OCP-on-AWS flow → one transaction.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { resolveDatabaseSchema } from "../../config/run-params.js";
import type { AppConfig } from "../../config/schema.js";
import type { InputSource, RunParams } from "../../model.js";
import { aggregate } from "../../run/aggregate.js";
import { openDatabase } from "../../run/database.js";
import { refuseEmptyInput } from "../../run/empty-input.js";
import { openConfiguredInput } from "../../run/input.js";
import { resolveReferenceData } from "../../run/reference-data.js";
import { runOcpOnAws } from "../engine/ocp-on-aws-engine.js";
import { toOcpSummaryInput } from "../engine/ocp-summary-input.js";
import type { OcpOnAwsParams, OcpOnAwsRequest, OcpSummaryInput, ProjectRow } from "../model.js";
import { readCurMonth } from "../parquet/cur-reader.js";
import { readSummaryCopy } from "../parquet/ocp-summary-copy.js";
import { type OcpUsageFacts, readOcpUsageFacts } from "../parquet/ocp-usage.js";
import { readAwsReference } from "../sink/aws-reference-tables.js";
import { readCostModelSettings } from "../sink/cost-model-tables.js";
import { writeOcpOnAwsRows } from "../sink/ocp-on-aws-writer.js";
import { readStoredTagMatches } from "../sink/tag-summary-tables.js";
import { type ChosenSetting, chooseCostSettings } from "./ocp-on-aws-params.js";

export interface OcpOnAwsJobOptions {
  /** markup / distribution null: from Koku's cost model of the source when the schema has one, else 0 / cpu. */
  params: OcpOnAwsRequest;
  /** AWS enabled tag keys when the schema has no reporting_enabledtagkeys table. */
  awsEnabledKeys: string[] | null;
  /** Account aliases (reporting_awsaccountalias id and account) when the schema has no such table. */
  accountAliases?: { id: number; account_id: string }[];
  /**
   * Other OCP sources (clusters) on the same AWS account whose summary rows Koku's SQL also reads: a disk with PVs
   * of several clusters divides its unclaimed part by their number, and tag-matched costs by the clusters matched.
   */
  sharedOcpSources?: { sourceUuid: string; clusterId: string; clusterAlias: string | null }[];
  logger: Logger;
  /** Tests may pass a source object directly. */
  source?: InputSource;
  /** Compute only; write nothing (the rows are returned). */
  dryRun?: boolean;
}

export interface OcpOnAwsReport {
  /** The run's parameters, markup and distribution as used. */
  params: OcpOnAwsParams;
  /** Where markup and distribution came from: given, Koku's cost model, or the default. */
  costSettings: { markup: ChosenSetting<number>; distribution: ChosenSetting<string> };
  /** Computed only; nothing was written. */
  dryRun: boolean;
  schema: string;
  database: string;
  curFiles: number;
  curRows: number;
  awsRowsInRange: number;
  resourceMatchedRows: number;
  tagMatchedRows: number;
  matchedTags: string[];
  /** Where the generic matched tags came from: Koku's tag-summary tables, the discovery over the range, none. */
  matchedTagsSources: string[];
  /** What Koku's tag-summary tables gave (null: the schema has none of them), whether used or not. */
  storedMatchedTags: string[] | null;
  ocpSummaryRows: number;
  /** Per OCP source: read from the summary's Parquet copy under the input root, or computed from the OCP Parquet. */
  ocpSummaryFrom: Record<string, string>;
  projectRows: number;
  deletedProjectRows: number;
  deletedSummaryRows: number;
  backPopulatedRows: number;
  chunks: number;
  referenceOrigins: Record<string, string>;
  seconds: { total: number; ocp: number; cur: number; engine: number; write: number };
  rows?: ProjectRow[];
}

export async function runOcpOnAwsJob(
  config: AppConfig,
  options: OcpOnAwsJobOptions,
): Promise<OcpOnAwsReport> {
  const started = performance.now();
  const { logger } = options;
  const source = options.source ?? openConfiguredInput(config);
  const schema = resolveDatabaseSchema(config);
  // A dry run without a configured database reads no tables (and starts no embedded server).
  const db =
    options.dryRun && !config.database.url
      ? null
      : await openDatabase(config, (msg) => logger.debug({ embedded: msg }, "embedded postgres"));
  try {
    const { reference, origins } = await resolveReferenceData(db?.client ?? null, schema, config);
    const aws = db
      ? await readAwsReference(db.client, schema, options.awsEnabledKeys, options.accountAliases ?? null)
      : {
          awsEnabledKeys: options.awsEnabledKeys ?? [],
          accountAliases: new Map((options.accountAliases ?? []).map((a) => [a.account_id, a.id])),
          origins: {
            awsEnabledKeys: options.awsEnabledKeys ? "config" : "none",
            accountAliases: options.accountAliases ? "config" : "none",
          },
        };
    const request = options.params;
    const needsCostModel = request.markup === null || request.distribution === null;
    const costModels =
      db && needsCostModel
        ? await readCostModelSettings(db.client, schema, {
            awsSourceUuid: request.awsSourceUuid,
            ocpSourceUuid: request.ocpSourceUuid,
          })
        : null;
    const chosen = chooseCostSettings(
      request,
      costModels,
      db ? `schema ${schema} has no cost_model / cost_model_map tables` : "no database read",
    );
    const { params } = chosen;
    logger.info(
      { markup: chosen.markup, distribution: chosen.distribution },
      "markup and distribution (given > Koku's cost model > default)",
    );
    const stored = db ? await readStoredTagMatches(db.client, schema) : null;
    const orgId = config.run.orgId ?? null;
    const run: RunParams = {
      sourceUuid: params.ocpSourceUuid,
      year: params.year,
      month: params.month,
      startDate: params.startDate,
      endDate: params.endDate,
      clusterId: params.clusterId,
      clusterAlias: params.clusterAlias,
      reportPeriodId: params.reportPeriodId,
      orgId,
      kokuSql: config.run.kokuSql,
    };
    let t = performance.now();
    // Koku's F2 reads the summary's Parquet (Hive) copy; when it is under the input root we read it too, else the
    // rows are computed here from the OCP Parquet, identically (docs/spec-notes.md A6).
    const ocpSummaryFrom: Record<string, string> = {};
    const summaryRowsOf = async (ocp: {
      sourceUuid: string;
      clusterId: string;
      clusterAlias: string | null;
      reportPeriodId: number | null;
    }): Promise<{ rows: OcpSummaryInput[]; facts: OcpUsageFacts }> => {
      const month = { year: params.year, month: params.month };
      const facts = await readOcpUsageFacts(source, { orgId, sourceUuid: ocp.sourceUuid, ...month });
      const copy = await readSummaryCopy(source, {
        schema,
        sourceUuid: ocp.sourceUuid,
        ...month,
        startDate: params.startDate,
        endDate: params.endDate,
      });
      if (copy) {
        ocpSummaryFrom[ocp.sourceUuid] = `Parquet copy ${copy.table} (${copy.files.length} files in range)`;
        const rows = copy.rows.map((row) =>
          toOcpSummaryInput(
            row,
            // a copy written before it had the column: the handle of the storage rows, as for computed rows
            row.csi_volume_handle === undefined ? facts.csiHandle : () => row.csi_volume_handle ?? null,
          ),
        );
        return { rows, facts };
      }
      const computed = await aggregate({
        source,
        run: { ...run, ...ocp },
        reference,
        mode: config.performance.mode,
      });
      ocpSummaryFrom[ocp.sourceUuid] = "computed from the OCP Parquet";
      return { rows: computed.rows.map((row) => toOcpSummaryInput(row, facts.csiHandle)), facts };
    };
    const { rows: ocpRows, facts } = await summaryRowsOf({
      sourceUuid: params.ocpSourceUuid,
      clusterId: params.clusterId,
      clusterAlias: params.clusterAlias,
      reportPeriodId: params.reportPeriodId,
    });
    const allOcpRows = [...ocpRows];
    for (const shared of options.sharedOcpSources ?? []) {
      // row by row: a large cluster has more rows than a call's arguments may hold
      for (const row of (await summaryRowsOf({ ...shared, reportPeriodId: null })).rows) allOcpRows.push(row);
    }
    const ocpSeconds = (performance.now() - t) / 1000;
    logger.info({ ocpSummaryRows: ocpRows.length, ocpSummaryFrom }, "OCP summary rows");
    // A wrong --ocp-source-uuid, --input or month must not replace the stored rows of the range with nothing.
    const refuseEmpty = (what: string) =>
      options.dryRun
        ? logger.warn(`${what} (dry run: nothing is written)`)
        : refuseEmptyInput(what, config.run.allowEmpty, (message) => logger.warn(message));
    const range = `${params.startDate}..${params.endDate}`;
    if (ocpRows.length === 0)
      refuseEmpty(
        `no OCP summary rows for OpenShift source ${params.ocpSourceUuid} (cluster ${params.clusterId}), ${range}, in ${source.describe()}`,
      );

    t = performance.now();
    const cur = await readCurMonth(source, {
      orgId,
      sourceUuid: params.awsSourceUuid,
      year: params.year,
      month: params.month,
    });
    const curSeconds = (performance.now() - t) / 1000;
    if (cur.files.length === 0)
      refuseEmpty(
        `no AWS CUR Parquet for AWS source ${params.awsSourceUuid}, ${params.year}-${String(params.month).padStart(2, "0")}, in ${source.describe()} (looked under <org>/AWS/source=…/year=/month= and daily/<org>/AWS/raw/source=…)`,
      );

    t = performance.now();
    const result = runOcpOnAws({
      params,
      reference: {
        awsEnabledKeys: aws.awsEnabledKeys,
        ocpEnabledKeys: reference.enabledTagKeys,
        accountAliases: aws.accountAliases,
        storedMatchedTags: stored?.tags ?? null,
      },
      awsDaily: cur.daily,
      awsHourly: cur.hourly,
      matchables: facts.matchables,
      ocpRows,
      allOcpRows,
      newUuid: randomUUID,
    });
    const engineSeconds = (performance.now() - t) / 1000;
    logger.info(
      { matchedTagsSources: result.matchedTagsSources, matchedTags: result.matchedTags },
      "matched tags (Koku's order: tag-summary tables, else discovery over the range)",
    );
    if (cur.files.length > 0 && result.counts.awsRowsInRange === 0)
      refuseEmpty(
        `no AWS CUR daily rows in ${range} for AWS source ${params.awsSourceUuid} in ${source.describe()} (${cur.files.length} files, ${cur.inputRows} rows read)`,
      );

    t = performance.now();
    const written =
      options.dryRun || !db
        ? { deletedProjectRows: 0, insertedProjectRows: 0, deletedSummaryRows: 0, backPopulatedRows: 0 }
        : await writeOcpOnAwsRows(
            db.client,
            {
              schema,
              awsSourceUuid: params.awsSourceUuid,
              ocpSourceUuid: params.ocpSourceUuid,
              clusterId: params.clusterId,
              reportPeriodId: params.reportPeriodId,
              year: params.year,
              month: params.month,
              startDate: params.startDate,
              endDate: params.endDate,
            },
            result.rows,
          );
    const writeSeconds = (performance.now() - t) / 1000;
    return {
      params,
      costSettings: { markup: chosen.markup, distribution: chosen.distribution },
      dryRun: options.dryRun === true,
      schema,
      database: db?.shownUrl ?? "(none: dry run)",
      curFiles: cur.files.length,
      curRows: cur.inputRows,
      awsRowsInRange: result.counts.awsRowsInRange,
      resourceMatchedRows: result.counts.resourceMatched,
      tagMatchedRows: result.counts.tagMatched,
      matchedTags: result.matchedTags,
      matchedTagsSources: result.matchedTagsSources,
      storedMatchedTags: stored?.tags ?? null,
      ocpSummaryRows: ocpRows.length,
      ocpSummaryFrom,
      projectRows: result.rows.length,
      deletedProjectRows: written.deletedProjectRows,
      deletedSummaryRows: written.deletedSummaryRows,
      backPopulatedRows: written.backPopulatedRows,
      chunks: result.chunks.length,
      referenceOrigins: {
        ...origins,
        awsEnabledKeys: aws.origins.awsEnabledKeys,
        accountAliases: aws.origins.accountAliases,
      },
      seconds: {
        total: (performance.now() - started) / 1000,
        ocp: ocpSeconds,
        cur: curSeconds,
        engine: engineSeconds,
        write: writeSeconds,
      },
      rows: options.dryRun ? result.rows : undefined,
    };
  } finally {
    await db?.close().catch(() => {});
    if (!options.source) await source.close().catch(() => {});
  }
}
