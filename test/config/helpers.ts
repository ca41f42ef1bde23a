import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Writes a config file into a fresh temp directory and returns its path. */
export function writeConfig(text: string, name = "config.yaml"): string {
  const file = join(mkdtempSync(join(tmpdir(), "ocp-agg-config-")), name);
  writeFileSync(file, text);
  return file;
}

/** A config in the Python POC's layout, with its `${VAR:-default}` references. */
export const POC_STYLE_CONFIG = `
features:
  pod_aggregation: true
logging:
  format: console
  level: \${LOG_LEVEL:-INFO}
ocp:
  provider_uuid: \${OCP_PROVIDER_UUID}
  cluster_id: \${OCP_CLUSTER_ID}
  cluster_alias: \${OCP_CLUSTER_ALIAS:-OCP Cluster}
  year: \${OCP_YEAR:-2025}
  month: \${OCP_MONTH:-11}
  start_date: \${OCP_START_DATE:-2025-11-01}
  end_date: \${OCP_END_DATE:-2025-11-30}
  report_period_id: 1
  parquet_path_pod: data/\${ORG_ID}/OCP/source={provider_uuid}
performance:
  use_streaming: false
  chunk_size: 50000
  column_filtering: false
  use_categorical: true
  max_workers: 4
postgresql:
  host: \${POSTGRES_HOST:-db.example.internal}
  port: 5432
  database: \${POSTGRES_DB:-koku}
  user: \${POSTGRES_USER:-koku}
  password: \${POSTGRES_PASSWORD}
  schema: \${POSTGRES_SCHEMA:-org1234567}
s3:
  endpoint: \${S3_ENDPOINT}
  bucket: \${S3_BUCKET:-cost-management}
  access_key: \${S3_ACCESS_KEY}
  secret_key: \${S3_SECRET_KEY}
  region: us-east-1
  use_ssl: false
  verify_ssl: false
`;
