/**
 * Runs one validated job payload with its config: the OCP summary (`runAggregateJob`) or OCP on AWS
 * (`runOcpOnAwsJob`), each one transaction and idempotent, and reduces its report to the figures a job output
 * and the worker's metrics carry.
 */
import type { Logger } from "pino";
import { runOcpOnAwsJob } from "../aws/run/ocp-on-aws-job.js";
import { resolveOcpOnAwsParams, sharedSourceFrom } from "../aws/run/ocp-on-aws-params.js";
import type { AppConfig } from "../config/schema.js";
import { runAggregateJob } from "../run/job.js";
import { isOcpOnAwsJob, type QueuedJobPayload } from "./queued-job.js";

export interface JobFigures {
  inputRows: number;
  outputRows: number;
  deletedRows: number;
  /** Where the time went: the run report's phases. */
  phases: Record<string, number>;
}

export async function runJobPayload(
  config: AppConfig,
  payload: QueuedJobPayload,
  logger: Logger,
): Promise<JobFigures> {
  if (!isOcpOnAwsJob(payload)) {
    const report = await runAggregateJob(config, { logger });
    return {
      inputRows: report.inputRows,
      outputRows: report.outputRows.total,
      deletedRows: report.deletedRows,
      phases: report.seconds,
    };
  }
  const report = await runOcpOnAwsJob(config, {
    params: resolveOcpOnAwsParams(config),
    awsEnabledKeys: config.ocpOnAws.awsEnabledTagKeys,
    sharedOcpSources: config.ocpOnAws.sharedOcpSources.map(sharedSourceFrom),
    logger,
  });
  const { total: _total, ...phases } = report.seconds;
  return {
    inputRows: report.curRows,
    // the project rows and the OCP summary rows back-populated from them
    outputRows: report.projectRows + report.backPopulatedRows,
    deletedRows: report.deletedProjectRows + report.deletedSummaryRows,
    phases,
  };
}
