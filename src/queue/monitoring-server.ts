/** The worker's HTTP side: `/metrics` for Prometheus and `/healthz` for the liveness/readiness probes. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface Health {
  ok: boolean;
  detail: Record<string, unknown>;
}

export interface MonitoringServer {
  port: number;
  close(): Promise<void>;
}

export async function startMonitoringServer(options: {
  host: string;
  port: number;
  registry: Registry;
  health: () => Health;
}): Promise<MonitoringServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      const health = options.health();
      response
        .writeHead(health.ok ? 200 : 503, { "content-type": "application/json" })
        .end(JSON.stringify({ status: health.ok ? "ok" : "unavailable", ...health.detail }));
      return;
    }
    if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        (error: unknown) =>
          response
            .writeHead(500, { "content-type": "text/plain" })
            .end(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`),
      );
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics or /healthz\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
