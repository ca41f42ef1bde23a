import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";
import { loadConfig, redactConfig, redactUrlPasswords } from "../../src/config/index.js";

const SECRETS = ["hunter2", "AKIAEXAMPLEKEY", "wJalrXUtnFEMI", "p@ss/w0rd"];

function secretConfig() {
  return loadConfig({
    env: {
      S3_ACCESS_KEY: "AKIAEXAMPLEKEY",
      S3_SECRET_KEY: "wJalrXUtnFEMI",
      S3_ENDPOINT: "https://admin:hunter2@minio.local:9000",
      POSTGRES_HOST: "db",
      POSTGRES_USER: "koku",
      POSTGRES_PASSWORD: "p@ss/w0rd",
    },
  });
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

function expectNoSecret(text: string): void {
  for (const secret of [...SECRETS, encodeURIComponent("p@ss/w0rd")]) expect(text).not.toContain(secret);
}

describe("redactConfig", () => {
  it("hides keys and URL passwords, keeps everything else, and leaves the original alone", () => {
    const config = secretConfig();
    const redacted = redactConfig(config);
    expectNoSecret(JSON.stringify(redacted));
    expect(redacted.s3).toMatchObject({ accessKeyId: "***", secretAccessKey: "***", region: "us-east-1" });
    expect(redacted.s3.endpoint).toBe("https://admin:***@minio.local:9000");
    expect(redacted.database.url).toBe("postgresql://koku:***@db/");
    expect(config.s3.secretAccessKey).toBe("wJalrXUtnFEMI");
  });

  it("scrubs passwords of URLs inside longer text", () => {
    expect(redactUrlPasswords("connect postgres://u:x@h:5/db and s3://b/k")).toBe(
      "connect postgres://u:***@h:5/db and s3://b/k",
    );
  });
});

describe("createLogger", () => {
  it("writes JSON lines with no secret in objects, nested objects, messages or bindings", () => {
    const out = capture();
    const logger = createLogger({ level: "info", format: "json", destination: out.stream });
    const config = secretConfig();
    logger.info({ config }, "resolved configuration");
    logger.info({ password: "hunter2", nested: { deeper: { secret_key: "wJalrXUtnFEMI" } } }, "flat");
    logger.warn(`connecting to ${config.database.url}`);
    logger.child({ url: config.s3.endpoint }).child({ token: "hunter2" }).info("child binding");
    logger.debug({ password: "hunter2" }, "below the level");

    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(4);
    const records = lines.map((line) => JSON.parse(line));
    expect(records[0]).toMatchObject({ level: "info", msg: "resolved configuration" });
    expect(records[0].config.s3.accessKeyId).toBe("***");
    expect(records[1]).toMatchObject({ password: "***", nested: { deeper: { secret_key: "***" } } });
    expect(records[2].msg).toBe("connecting to postgresql://koku:***@db/");
    expect(records[3]).toMatchObject({ url: "https://admin:***@minio.local:9000", token: "***" });
    expectNoSecret(out.text());
  });

  it("serialises errors and scrubs their messages", () => {
    const out = capture();
    const logger = createLogger({ level: "info", format: "json", destination: out.stream });
    logger.error(new Error("cannot reach postgresql://koku:hunter2@db:5432/koku"));
    logger.error({ err: new Error("denied for https://u:hunter2@x") }, "upload failed");
    const [lone, wrapped] = out
      .text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lone.msg).toBe("cannot reach postgresql://koku:***@db:5432/koku");
    expect(lone.err).toMatchObject({
      type: "Error",
      message: "cannot reach postgresql://koku:***@db:5432/koku",
    });
    expect(wrapped.err.message).toBe("denied for https://u:***@x");
    expect(wrapped.err.stack).toContain("denied for https://u:***@x");
    expectNoSecret(out.text());
  });

  it("pretty-prints synchronously (format pretty, or auto on a terminal) without secrets", () => {
    const out = capture();
    const logger = createLogger({
      level: "debug",
      format: "auto",
      destination: out.stream,
      isTTY: true,
      colorize: false,
    });
    logger.debug({ s3: { secretAccessKey: "wJalrXUtnFEMI" }, files: 3 }, "listed files");
    // No waiting: the line is written before the call returns.
    const text = out.text();
    expect(text).toContain("DEBUG");
    expect(text).toContain("listed files");
    expect(text).toContain("files: 3");
    expect(text).not.toMatch(/^\{/);
    expectNoSecret(text);
  });

  it("writes JSON when auto is not on a terminal", () => {
    const out = capture();
    createLogger({ level: "info", format: "auto", destination: out.stream, isTTY: false }).info("hello");
    expect(JSON.parse(out.text())).toMatchObject({ level: "info", msg: "hello" });
  });
});
