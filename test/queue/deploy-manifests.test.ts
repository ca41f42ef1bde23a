/**
 * Lints the Containerfile and the deploy/ manifests against the code: YAML that parses, resources that refer to
 * each other correctly, environment variables and command-line options the program knows, probes on the
 * worker's health endpoint, grace periods that let a job finish, non-root containers.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { registerAggregateCommand } from "../../src/cli/commands/aggregate.js";
import { registerQueueCommands } from "../../src/cli/commands/queue.js";
import { knownEnvNames } from "../../src/config/env-layer.js";
import { KEY_SPECS, loadConfig } from "../../src/config/index.js";
import { parseSummaryJobPayload } from "../../src/queue/index.js";
import { NODE_FLAGS } from "../../src/run/node-flags.js";

const REPO = join(import.meta.dirname, "..", "..");
const DEPLOY = join(REPO, "deploy");

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML, checked field by field below
type Manifest = Record<string, any>;

function loadManifests(): { file: string; doc: Manifest }[] {
  const out: { file: string; doc: Manifest }[] = [];
  for (const file of readdirSync(DEPLOY).filter((f) => f.endsWith(".yaml"))) {
    for (const document of parseAllDocuments(readFileSync(join(DEPLOY, file), "utf8"))) {
      expect(document.errors, `${file}: ${document.errors.join("; ")}`).toEqual([]);
      expect(document.warnings, `${file}: ${document.warnings.join("; ")}`).toEqual([]);
      out.push({ file, doc: document.toJS() as Manifest });
    }
  }
  return out;
}

const manifests = loadManifests();
const byKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const configMap = byKind("ConfigMap").find((d) => d.metadata.name === "ocp-aggregator") as Manifest;
const secret = byKind("Secret").find((d) => d.metadata.name === "ocp-aggregator") as Manifest;
const worker = byKind("Deployment").find((d) => d.metadata.name === "ocp-aggregator-worker") as Manifest;

function optionsOf(commandName: string): Set<string> {
  const program = new Command();
  registerAggregateCommand(program);
  registerQueueCommands(program);
  const command = program.commands.find((c) => c.name() === commandName);
  if (!command) throw new Error(`no command ${commandName}`);
  return new Set(command.options.map((o) => o.long as string));
}

function podSpecs(): { name: string; spec: Manifest }[] {
  return manifests.flatMap(({ doc }) => {
    if (doc.kind === "Deployment") return [{ name: doc.metadata.name, spec: doc.spec.template.spec }];
    if (doc.kind === "Job") return [{ name: doc.metadata.generateName, spec: doc.spec.template.spec }];
    if (doc.kind === "CronJob")
      return [{ name: doc.metadata.name, spec: doc.spec.jobTemplate.spec.template.spec }];
    return [];
  });
}

describe("deploy manifests", () => {
  it("are Kubernetes objects with kind, apiVersion and a name", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(7);
    for (const { file, doc } of manifests) {
      expect(typeof doc.apiVersion, file).toBe("string");
      expect(typeof doc.kind, file).toBe("string");
      if (doc.kind !== "Kustomization")
        expect(doc.metadata?.name ?? doc.metadata?.generateName, file).toBeTruthy();
    }
    for (const resource of byKind("Kustomization")[0].resources as string[]) {
      expect(existsSync(join(DEPLOY, resource)), resource).toBe(true);
    }
  });

  it("set only environment variables the program reads", () => {
    const known = new Set(knownEnvNames());
    const names = [...Object.keys(configMap.data), ...Object.keys(secret.stringData)];
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(known.has(name), `${name} is not read by ocp-aggregator`).toBe(true);
    // with values the config table accepts (ranges included: a heartbeat under 10 s would fail here)
    const config = loadConfig({ env: { ...configMap.data, DATABASE_URL: "postgres://db" } });
    expect(config.job.heartbeatSeconds).toBe(Number(configMap.data.OCP_AGG_JOB_HEARTBEAT_SECONDS));
  });

  it("run the worker with probes on /healthz, the metrics port, and a grace period longer than the job's", () => {
    const spec = worker.spec.template.spec;
    const [container] = spec.containers;
    expect(container.args[0]).toBe("worker");
    const metricsPort = container.ports.find((p: Manifest) => p.name === "metrics");
    expect(metricsPort.containerPort).toBe(Number(configMap.data.OCP_AGG_METRICS_PORT));
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect(probe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    }
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(
      Number(configMap.data.OCP_AGG_SHUTDOWN_GRACE_SECONDS),
    );
    const service = byKind("Service")[0];
    expect(service.spec.selector).toEqual(worker.spec.selector.matchLabels);
    expect(worker.spec.template.metadata.labels).toMatchObject(worker.spec.selector.matchLabels);
  });

  it("run every container non-root, read-only, with config and secret that exist, and known options", () => {
    const configMaps = new Set(byKind("ConfigMap").map((d) => d.metadata.name));
    const secrets = new Set(byKind("Secret").map((d) => d.metadata.name));
    const pods = podSpecs();
    expect(pods.map((p) => p.name).sort()).toEqual([
      "ocp-aggregator-submit",
      "ocp-aggregator-submit-",
      "ocp-aggregator-worker",
    ]);
    for (const { name, spec } of pods) {
      expect(spec.securityContext.runAsNonRoot, name).toBe(true);
      for (const container of spec.containers) {
        expect(container.securityContext.allowPrivilegeEscalation, name).toBe(false);
        expect(container.securityContext.readOnlyRootFilesystem, name).toBe(true);
        expect(container.resources.limits.memory, name).toBeTruthy();
        for (const from of container.envFrom) {
          if (from.configMapRef) expect(configMaps.has(from.configMapRef.name), name).toBe(true);
          if (from.secretRef) expect(secrets.has(from.secretRef.name), name).toBe(true);
        }
        const [command, ...args] = container.args as string[];
        const options = optionsOf(command);
        for (const arg of args.filter((a) => a.startsWith("--"))) {
          expect(options.has(arg), `${name}: ${command} has no option ${arg}`).toBe(true);
        }
      }
    }
  });

  it("give the CronJob a jobs file of valid jobs", () => {
    const jobsMap = byKind("ConfigMap").find((d) => d.metadata.name === "ocp-aggregator-jobs") as Manifest;
    const [document] = parseAllDocuments(jobsMap.data["jobs.yaml"]);
    const jobs = document.toJS() as unknown[];
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) expect(() => parseSummaryJobPayload(job)).not.toThrow();
    const cron = byKind("CronJob")[0];
    const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
    const mount = container.volumeMounts[0].mountPath;
    expect(container.args).toEqual(["submit", "--jobs", `${mount}/jobs.yaml`]);
  });
});

describe("Containerfile", () => {
  const lines = readFileSync(join(REPO, "Containerfile"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages = lines.reduce<string[][]>((acc, line) => {
    if (line.startsWith("FROM ")) acc.push([]);
    acc[acc.length - 1]?.push(line);
    return acc;
  }, []);
  const runtime = stages[stages.length - 1];

  it("builds on a supported Node LTS image (UBI 9 nodejs-22/24 minimal) in stages, runs as a non-root user", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // the image runs the Node major that `npm ci` brings for development and CI (the devDependency "node")
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    const major = String(pkg.devDependencies.node).split(".")[0];
    expect(["22", "24"]).toContain(major);
    for (const stage of stages) {
      expect(stage[0]).toMatch(
        /^FROM registry\.access\.redhat\.com\/ubi9\/nodejs-(22|24)-minimal(:\S+)?(\s|$)/,
      );
      expect(stage[0]).toContain(`/nodejs-${major}-minimal`);
    }
    const user = runtime.filter((l) => l.startsWith("USER ")).pop();
    expect(user).toBeDefined();
    expect(user?.split(/\s+/)[1]).not.toMatch(/^(0|root)(:|$)/);
    expect(runtime.some((l) => /npm ci .*--omit=dev/.test(l))).toBe(true);
    expect(stages[0].some((l) => /tsc -p tsconfig\.json/.test(l))).toBe(true);
  });

  it("copies files that exist and starts the CLI, exposing the metrics port", () => {
    for (const line of lines.filter((l) => l.startsWith("COPY ") && !l.includes("--from="))) {
      const parts = line.split(/\s+/).filter((p) => !p.startsWith("--"));
      for (const source of parts.slice(1, -1)) expect(existsSync(join(REPO, source)), source).toBe(true);
    }
    const entrypoint = runtime.find((l) => l.startsWith("ENTRYPOINT "));
    // The image starts node with the same V8 flags as bin/ocp-aggregator.js's shebang (run/node-flags.ts).
    expect(JSON.parse(entrypoint?.slice("ENTRYPOINT ".length) ?? "[]")).toEqual([
      "node",
      ...NODE_FLAGS,
      "bin/ocp-aggregator.js",
    ]);
    expect(runtime).toContain(`EXPOSE ${KEY_SPECS.find((k) => k.key === "worker.metrics_port")?.default}`);
  });
});
