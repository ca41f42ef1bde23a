import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, redactUrl } from "../../src/sink/connection.js";
import { findFreePort } from "../../src/sink/embedded.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

describe("redactUrl", () => {
  it("hides the password of a URL", () => {
    expect(redactUrl("postgres://koku:s3cr%40t!@db.example:5432/koku?sslmode=require")).toBe(
      "postgres://koku:***@db.example:5432/koku?sslmode=require",
    );
    expect(redactUrl("postgresql://koku:pw@127.0.0.1/ocp")).not.toContain("pw@");
  });

  it("hides password-like query parameters", () => {
    const redacted = redactUrl("postgres://db/koku?user=koku&password=hunter2&sslpassword=x");
    expect(redacted).not.toContain("hunter2");
    expect(redacted).not.toMatch(/sslpassword=x/);
    expect(redacted).toContain("user=koku");
  });

  it("leaves URLs without secrets readable", () => {
    expect(redactUrl("postgres://koku@db:5432/koku")).toBe("postgres://koku@db:5432/koku");
  });

  it("redacts text that is not a URL entirely", () => {
    expect(redactUrl("host=db password=hunter2")).toBe("***");
    expect(redactUrl("postgres://user:pa ss@[bad")).toBe("postgres://***");
  });
});

describe("connect", () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("sets application_name and statement_timeout", async () => {
    const client = await connect(server.url, { applicationName: "sink-test", statementTimeoutMs: 1234 });
    try {
      const result = await client.query(
        "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS t",
      );
      expect(result.rows[0]).toEqual({ app: "sink-test", t: "1234ms" });
      await expect(client.query("SELECT pg_sleep(5)")).rejects.toThrow(/statement timeout/);
    } finally {
      await client.end();
    }
  });

  it("reports a failed connection without the password", async () => {
    const port = await findFreePort();
    const url = `postgres://user:topsecret@127.0.0.1:${port}/db`;
    const error = await connect(url, { connectTimeoutMs: 2000 }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /cannot connect to PostgreSQL at postgres:\/\/user:\*\*\*@127\.0\.0\.1/,
    );
    expect((error as Error).message).not.toContain("topsecret");
  });

  it("reports a wrong password without echoing it", async () => {
    const url = new URL(server.url);
    url.password = "wrong-password-123";
    const error = await connect(url.toString()).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/password authentication failed/);
    expect((error as Error).message).not.toContain("wrong-password-123");
  });
});
