/**
 * Test S3: an s3rver on 127.0.0.1 (random port, temp dir, one bucket), and a fault-injecting
 * HTTP proxy in front of it for retry tests. Everything started here is stopped by `stop()`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listObjectsV2Middleware, type S3rverStore } from "./s3-listing.js";

// s3rver ships no types; describe the little we use.
interface S3rverInstance {
  store: S3rverStore;
  /** Koa's middleware list; composed when the server starts listening. */
  middleware: unknown[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** The listening server, set by run(). */
  httpServer?: http.Server;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

export interface TestS3 {
  /** e.g. `http://127.0.0.1:40123` (use path-style addressing). */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** s3rver's storage folder (objects live under `<directory>/<bucket>/`). */
  directory: string;
  stop(): Promise<void>;
}

/**
 * Starts s3rver with one empty bucket. s3rver accepts any SigV4 signature for its fixed key pair.
 * ListObjectsV2 is answered by s3-listing.ts, because s3rver's own delimiter listing is wrong.
 */
export async function startTestS3(bucket = "koku-test"): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), "ocp-agg-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  server.middleware.unshift(listObjectsV2Middleware(server.store, "S3RVER"));
  const address = await server.run();
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    region: "us-east-1",
    directory,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A client socket kept alive (or a request a fault test abandoned) would hold close() open until the
      // hook timeout; every test is done with the server here, so drop its connections.
      const closing = server.close();
      server.httpServer?.closeAllConnections();
      await closing;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** What the proxy does to a matching request. */
export type Fault =
  /** Answer with this status and an S3-style XML error body (500 InternalError, 503 SlowDown, …). */
  | { kind: "status"; status: number; code?: string; message?: string }
  /** Wait, then forward normally (for deadline / timeout tests). */
  | { kind: "delay"; ms: number }
  /** Forward, send the headers and part of the body, then destroy the connection (empty body: no answer). */
  | { kind: "cut"; afterBytes?: number }
  /** Forward but send only the first half of the body with a matching, smaller Content-Length. */
  | { kind: "short" };

export interface FaultRule {
  fault: Fault;
  /** How many matching requests get the fault; later ones pass. Infinity for a permanent fault. */
  times: number;
  /** Only requests with this method (e.g. "GET", "HEAD"). */
  method?: string;
  /** Only requests whose path+query contains this text (e.g. an object key). */
  pathIncludes?: string;
  /** Only requests with (true) or without (false) a Range header. */
  ranged?: boolean;
}

export interface ProxiedRequest {
  method: string;
  url: string;
  range: string | undefined;
  fault: Fault["kind"] | null;
}

export interface FaultyProxy {
  endpoint: string;
  /** Every request seen, in arrival order. */
  requests: ProxiedRequest[];
  stop(): Promise<void>;
}

const ERROR_CODES: Record<number, string> = { 500: "InternalError", 503: "SlowDown" };

/** A tiny HTTP proxy to `target` (e.g. a TestS3 endpoint) that injects faults following `plan`. */
export async function startFaultyProxy(target: string, plan: FaultRule[]): Promise<FaultyProxy> {
  const targetUrl = new URL(target);
  const remaining = plan.map((rule) => rule.times);
  const requests: ProxiedRequest[] = [];

  const pickFault = (req: http.IncomingMessage): Fault | null => {
    for (const [index, rule] of plan.entries()) {
      if (remaining[index] <= 0) continue;
      if (rule.method && rule.method !== req.method) continue;
      if (rule.pathIncludes && !(req.url ?? "").includes(rule.pathIncludes)) continue;
      if (rule.ranged !== undefined && rule.ranged !== (req.headers.range !== undefined)) continue;
      remaining[index] -= 1;
      return rule.fault;
    }
    return null;
  };

  const server = http.createServer((req, res) => {
    const fault = pickFault(req);
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      range: req.headers.range,
      fault: fault?.kind ?? null,
    });
    if (fault?.kind === "status") {
      // Drain the request body first so the client sees a clean error response.
      req.resume();
      req.on("end", () => {
        const code = fault.code ?? ERROR_CODES[fault.status] ?? "InternalError";
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${fault.message ?? `injected ${fault.status}`}</Message></Error>`;
        res.writeHead(fault.status, {
          "content-type": "application/xml",
          "content-length": Buffer.byteLength(body),
        });
        res.end(body);
      });
      return;
    }
    const forward = () => forwardRequest(targetUrl, req, res, fault);
    if (fault?.kind === "delay") setTimeout(forward, fault.ms);
    else forward();
  });
  // Keep-alive sockets would keep close() waiting; track and destroy them on stop.
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forwardRequest(
  target: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  fault: Fault | null,
): void {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      // The Host header stays as the client signed it; s3rver does not check signatures' host.
      headers: req.headers,
    },
    (upstreamRes) => {
      if (fault?.kind === "cut" || fault?.kind === "short") {
        collect(upstreamRes).then((body) => {
          if (fault.kind === "short") {
            const half = body.subarray(0, Math.floor(body.length / 2));
            res.writeHead(upstreamRes.statusCode ?? 500, {
              ...upstreamRes.headers,
              "content-length": half.length,
            });
            res.end(half);
            return;
          }
          if (body.length === 0) {
            res.socket?.destroy(); // nothing to cut in the middle of: drop the connection before answering
            return;
          }
          res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
          const keep = Math.min(
            fault.afterBytes ?? Math.floor(body.length / 2),
            Math.max(0, body.length - 1),
          );
          res.write(body.subarray(0, keep), () => {
            // Let the partial body reach the client, then drop the connection mid-body.
            setTimeout(() => res.socket?.destroy(), 5);
          });
        });
        return;
      }
      res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
}

function collect(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}
