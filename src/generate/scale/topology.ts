/**
 * The cluster's shape before any workload: nodes with roles, zones and instance types, application namespaces
 * (a team's in one environment) and the system namespaces whose pods come first on every node.
 */
import type { SeededRandom } from "../noise.js";
import { type Labels, type NamespaceSpec, type NodeSpec, staticLabels } from "../spec.js";
import { hex } from "./draws.js";
import type { ScaleOptions } from "./options.js";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const TEAMS = [
  "payments",
  "search",
  "identity",
  "catalog",
  "checkout",
  "data",
  "ml",
  "platform",
  "mobile",
  "ops",
];
const ENVS = ["prod", "stage", "qa", "dev"];
export const SYSTEM_NAMESPACES = {
  master: ["openshift-kube-apiserver", "openshift-etcd", "openshift-kube-scheduler"],
  infra: ["openshift-ingress", "openshift-monitoring", "openshift-image-registry"],
  worker: ["openshift-dns", "openshift-sdn", "kube-system"],
};

function roleOf(index: number, nodeCount: number): "master" | "infra" | "worker" {
  const masters = nodeCount >= 10 ? 3 : nodeCount >= 3 ? 1 : 0;
  const infras = Math.floor(nodeCount / 10);
  if (index < masters) return "master";
  if (index < masters + infras) return "infra";
  return "worker";
}

export function scaleNodes(random: SeededRandom, count: number): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < count; i++) {
    const role = roleOf(i, count);
    const cores = role === "worker" ? random.pick([16, 32, 64]) : 8;
    const zone = ZONES[i % ZONES.length];
    const name = `ip-10-0-${Math.floor(i / 250)}-${i % 250}.ec2.internal`;
    nodes.push({
      name,
      resourceId: `i-${hex(random, 17)}`,
      cpuCores: cores,
      memoryGiB: cores * random.pick([4, 8]),
      role,
      operatorRole: role,
      reportLabels: true,
      labels: staticLabels({
        node_role_kubernetes_io: role,
        topology_kubernetes_io_zone: zone,
        node_kubernetes_io_instance_type: random.pick(["m5.4xlarge", "m6i.8xlarge", "r5.2xlarge"]),
        kubernetes_io_hostname: name,
      }),
    });
  }
  return nodes;
}

export interface AppNamespace {
  name: string;
  team: string;
  env: string;
}

/** Application namespaces (about one per 40 pods, each a team's in one environment), then the system ones. */
export function scaleNamespaces(
  random: SeededRandom,
  options: ScaleOptions,
): { namespaces: NamespaceSpec[]; appNamespaces: AppNamespace[] } {
  const appNamespaceCount = Math.max(3, Math.round((options.nodes * options.podsPerNode) / 40));
  const namespaces: NamespaceSpec[] = [];
  const appNamespaces: AppNamespace[] = [];
  for (let i = 0; i < appNamespaceCount; i++) {
    const team = TEAMS[i % TEAMS.length];
    const env = random.pick(ENVS);
    const name = `${team}-${env}-${i}`;
    appNamespaces.push({ name, team, env });
    const labels: Labels = { team, env };
    if (random.next() < 0.5) labels.cost_center = `cc-${random.int(100, 120)}`;
    namespaces.push({ name, labels: staticLabels(labels), reportLabels: true });
  }
  for (const name of Object.values(SYSTEM_NAMESPACES).flat()) {
    namespaces.push({
      name,
      labels: staticLabels({ openshift_io_cluster_monitoring: "true" }),
      reportLabels: true,
    });
  }
  return { namespaces, appNamespaces };
}
