/**
 * Independent DuckDB renderings of Koku's inventory and GPU queries, run on the same Parquet files as the
 * engine (shares nothing with src/engine or src/parquet):
 *   nodes / pvcs / projects: koku/koku/reportdb_accessor_trino.py get_*_query_sql (PostgreSQL twin alike)
 *   GPU: trino_sql/… and self_hosted_sql/openshift/ui_summary/reporting_ocp_gpu_summary_p_usage_only.sql
 * SQL paraphrased from Koku (Apache-2.0, Red Hat) for DuckDB; `''`, NULL and LIKE behave as in Trino/PostgreSQL.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import type { KokuSqlFlavor } from "../model.js";
import { rows, sqlText, view } from "./duckdb-views.js";

export interface StepReferenceInput {
  /** Local Parquet paths (the tree Koku's query reads) per report type; missing types have none. */
  files: Partial<Record<"pod_usage" | "node_labels" | "storage_usage" | "gpu_usage", string[]>>;
  startDate: string;
  endDate: string;
  flavor: KokuSqlFlavor;
  costCategories: { namespace: string; cost_category_id: number }[];
}

export interface StepReferenceResult {
  nodes: {
    node: string;
    resource_id: string | null;
    cap: number | null;
    role: string;
    arch: string | null;
  }[];
  pvcs: { pv: string | null; pvc: string | null; csi: string | null }[];
  projects: string[];
  gpu: Record<string, unknown>[];
}

export async function runStepReference(input: StepReferenceInput): Promise<StepReferenceResult> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    const T = "TIMESTAMP";
    await view(con, "pod", input.files.pod_usage, {
      interval_start: T,
      namespace: "VARCHAR",
      node: "VARCHAR",
      resource_id: "VARCHAR",
      node_capacity_cpu_cores: "DOUBLE",
      node_role: "VARCHAR",
    });
    await view(con, "nl", input.files.node_labels, {
      interval_start: T,
      node: "VARCHAR",
      node_labels: "VARCHAR",
    });
    await view(con, "st", input.files.storage_usage, {
      interval_start: T,
      persistentvolume: "VARCHAR",
      persistentvolumeclaim: "VARCHAR",
      csi_volume_handle: "VARCHAR",
    });
    await view(con, "gpu", input.files.gpu_usage, {
      interval_start: T,
      namespace: "VARCHAR",
      node: "VARCHAR",
      gpu_uuid: "VARCHAR",
      gpu_model_name: "VARCHAR",
      gpu_vendor_name: "VARCHAR",
      gpu_memory_capacity_mib: "DOUBLE",
      mig_instance_id: "VARCHAR",
      mig_profile: "VARCHAR",
      mig_strategy: "VARCHAR",
      mig_slice_count: "DOUBLE",
      gpu_max_slices: "DOUBLE",
      mig_memory_capacity_mib: "DOUBLE",
    });
    await con.run("CREATE TABLE cat_ns (namespace VARCHAR, cost_category_id INTEGER)");
    for (const c of input.costCategories) {
      await con.run(`INSERT INTO cat_ns VALUES (${sqlText(c.namespace)}, ${Number(c.cost_category_id)})`);
    }
    const from = `TIMESTAMP ${sqlText(`${input.startDate} 00:00:00`)}`;
    const to = `TIMESTAMP ${sqlText(`${input.endDate} 00:00:00`)} + INTERVAL 1 DAY`;
    const inRange = (t: string) => `${t}.interval_start >= ${from} AND ${t}.interval_start < ${to}`;
    // get_nodes_query_sql: the WHERE on nl makes the LEFT JOIN an inner join.
    const nodes = await rows(
      con,
      `SELECT ocp.node, ocp.resource_id, max(ocp.node_capacity_cpu_cores) AS cap,
              coalesce(max(ocp.node_role), CASE
                WHEN list_contains(list(DISTINCT ocp.namespace), 'openshift-kube-apiserver') THEN 'master'
                WHEN bool_or(nl.node_labels LIKE '%"node_role_kubernetes_io": "infra"%') THEN 'infra'
                ELSE 'worker' END) AS role,
              lower(json_extract_string(max(nl.node_labels), '$.kubernetes_io_arch')) AS arch
         FROM pod AS ocp LEFT JOIN nl ON ocp.node = nl.node
        WHERE ${inRange("ocp")} AND ${inRange("nl")}
        GROUP BY ocp.node, ocp.resource_id ORDER BY 1, 2 NULLS FIRST`,
    );
    const pvcs = await rows(
      con,
      `SELECT DISTINCT persistentvolume AS pv, persistentvolumeclaim AS pvc, csi_volume_handle AS csi
         FROM st WHERE ${inRange("st")} ORDER BY 1 NULLS FIRST, 2 NULLS FIRST, 3 NULLS FIRST`,
    );
    const projects = await rows(
      con,
      `SELECT DISTINCT namespace FROM pod WHERE ${inRange("pod")} AND namespace IS NOT NULL ORDER BY 1`,
    );
    const onprem = input.flavor === "onprem";
    const profile = onprem ? "NULLIF(gpu.mig_profile, '')" : "gpu.mig_profile";
    const gpu = await rows(
      con,
      `SELECT CAST(gpu.interval_start AS DATE)::VARCHAR AS usage_start, gpu.namespace, gpu.node,
              gpu.gpu_vendor_name AS vendor_name, gpu.gpu_model_name AS model_name,
              max(gpu.gpu_memory_capacity_mib) * 0.001048576 AS memory_capacity_gb,
              ${onprem ? "count(DISTINCT COALESCE(gpu.mig_instance_id, gpu.gpu_uuid))::INTEGER" : "NULL::INTEGER"} AS gpu_count,
              max(gpu.mig_instance_id) AS mig_instance_id, max(gpu.gpu_uuid) AS gpu_uuid,
              CASE WHEN max(${profile}) IS NOT NULL THEN 'MIG' ELSE 'dedicated' END AS gpu_mode,
              max(${profile}) AS mig_profile,
              CAST(round(max(gpu.mig_slice_count)) AS INTEGER) AS mig_slice_count,
              CAST(round(max(gpu.gpu_max_slices)) AS INTEGER) AS gpu_max_slices,
              max(gpu.mig_strategy) AS mig_strategy,
              max(gpu.mig_memory_capacity_mib) * 0.001048576 AS mig_memory_capacity_gb,
              max(cat_ns.cost_category_id) AS cost_category_id
         FROM gpu LEFT JOIN cat_ns ON gpu.namespace LIKE cat_ns.namespace
        WHERE CAST(gpu.interval_start AS DATE) >= DATE ${sqlText(input.startDate)}
          AND CAST(gpu.interval_start AS DATE) <= DATE ${sqlText(input.endDate)}
        GROUP BY gpu.namespace, gpu.node, gpu.gpu_vendor_name, gpu.gpu_model_name, gpu.mig_profile,
                 CAST(gpu.interval_start AS DATE), gpu.mig_instance_id, gpu.gpu_uuid`,
    );
    return {
      nodes: nodes as StepReferenceResult["nodes"],
      pvcs: pvcs as StepReferenceResult["pvcs"],
      projects: projects.map((r) => r.namespace as string),
      gpu,
    };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
