/** Config overrides that run a dataset described by a params.json (generated datasets, Koku samples). */
import type { ConfigOverrides } from "../config/index.js";
import type { DatasetParams } from "../generate/params-file.js";

export function datasetOverrides(params: DatasetParams, input: string): ConfigOverrides {
  const { run, reference } = params;
  return {
    input,
    run: {
      sourceUuid: run.sourceUuid,
      year: String(run.year),
      month: String(run.month),
      startDate: run.startDate,
      endDate: run.endDate,
      clusterId: run.clusterId ?? undefined,
      clusterAlias: run.clusterAlias ?? undefined,
      reportPeriodId: run.reportPeriodId === null ? undefined : String(run.reportPeriodId),
      orgId: run.orgId ?? undefined,
      kokuSql: run.kokuSql,
    },
    reference: {
      enabledTagKeys: reference.enabledTagKeys,
      costCategories: reference.costCategories,
      nodeRoles: reference.nodeRoles,
    },
  };
}
