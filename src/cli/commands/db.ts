/**
 * `ocp-aggregator db status|url|psql|start|stop`: the embedded PostgreSQL for a person. Runs start it on a
 * random port and stop it again; `db start` keeps it running (runs then reuse it), `db psql` opens it.
 */
import { spawn, spawnSync } from "node:child_process";
import type { Command } from "commander";
import type { AppConfig } from "../../config/schema.js";
import { redactUrl } from "../../sink/connection.js";
import { startEmbeddedPostgres } from "../../sink/embedded.js";
import {
  type EmbeddedStatus,
  embeddedStatus,
  embeddedUrl,
  stopEmbeddedServer,
} from "../../sink/embedded-control.js";
import { commandContext, defined, runCommand } from "../run-context.js";
import { dbCommand, psqlLine } from "../where-rows.js";

interface DbOptions {
  dataDir?: string;
  config?: string;
}

export function registerDbCommand(program: Command): void {
  const db = program
    .command("db")
    .description("the embedded PostgreSQL: where it is, how to connect, start/stop it, open psql");
  const sub = (name: string, description: string) =>
    db
      .command(name)
      .description(description)
      .option("--data-dir <dir>", "data directory of the embedded PostgreSQL")
      .option("--config <file.yaml>", "YAML config file");

  sub("status", "print the data folder, whether the server runs, and how to connect").action((o: DbOptions) =>
    runCommand(async () => {
      const { config, status } = await load(o);
      process.stdout.write(describeStatus(config, status));
    }),
  );

  sub("url", "print the connection URL (with password) of the running server").action((o: DbOptions) =>
    runCommand(async () => {
      const { config, status } = await load(o);
      if (!status.running) throw notRunning(config);
      process.stdout.write(`${await embeddedUrl(status, status.running.port)}\n`);
    }),
  );

  sub("start", "start the server and keep it running (runs then reuse it)").action((o: DbOptions) =>
    runCommand(async () => {
      const { config, logger } = await load(o);
      const server = await startEmbeddedPostgres({
        dataDir: config.embedded.dataDir ?? undefined,
        port: config.embedded.port ?? undefined,
        detached: true,
        log: (m) => logger.debug(m),
      });
      process.stdout.write(server.attached ? "already running\n" : "started\n");
      process.stdout.write(describeStatus(config, await embeddedStatus(server.dataDir)));
    }),
  );

  sub("stop", "stop the running server").action((o: DbOptions) =>
    runCommand(async () => {
      const { status } = await load(o);
      const stopped = await stopEmbeddedServer(status.dataDir);
      process.stdout.write(stopped ? `stopped the server of ${status.dataDir}\n` : "not running\n");
    }),
  );

  sub("psql", "open psql on the embedded database (started for the session if it is not running)")
    .argument(
      "[psql-args...]",
      "psql's own arguments, e.g. -c 'select 1' (options it shares with us go after --)",
    )
    // `db psql -c "select …"` is what people type: psql's options pass through instead of being refused.
    .allowUnknownOption()
    .action((psqlArgs: string[], o: DbOptions) =>
      runCommand(async () => {
        const { config, logger } = await load(o);
        requirePsql();
        let status = await embeddedStatus(config.embedded.dataDir);
        const startedHere = !status.running;
        if (startedHere) {
          // Detached: Ctrl-C in psql (which reaches the whole terminal's process group) must not stop it.
          await startEmbeddedPostgres({
            dataDir: status.dataDir,
            port: config.embedded.port ?? undefined,
            detached: true,
            log: (m) => logger.debug(m),
          });
          status = await embeddedStatus(status.dataDir);
        }
        try {
          if (!status.running) throw notRunning(config);
          const url = new URL(await embeddedUrl(status, status.running.port));
          const password = decodeURIComponent(url.password);
          url.password = "";
          const code = await runPsql([url.toString(), ...psqlArgs], password);
          if (code !== 0) throw new Error(`psql exited with code ${code}`);
        } finally {
          if (startedHere) await stopEmbeddedServer(status.dataDir);
        }
      }),
    );
}

async function load(o: DbOptions) {
  const { config, logger } = commandContext(o.config, defined({ embedded: { dataDir: o.dataDir } }));
  if (config.database.url) {
    process.stderr.write(
      `note: database.url is set (${redactUrl(config.database.url)}): runs write there, not to the embedded PostgreSQL\n`,
    );
  }
  return { config, logger, status: await embeddedStatus(config.embedded.dataDir) };
}

function describeStatus(config: AppConfig, status: EmbeddedStatus): string {
  const lines = [`data folder  ${status.dataDir}`];
  if (!status.initialised) {
    lines.push("server       not created yet: the first run (or db start) creates it");
  } else if (status.running) {
    const { port, pid } = status.running;
    lines.push(
      `server       running on 127.0.0.1:${port} (pid ${pid})`,
      `database     ocp, user postgres, password in ${status.passwordFile}`,
      `psql         ${psqlLine(status.passwordFile, port)}`,
      `             or: ${dbCommand("psql", config.embedded.dataDir)}`,
      `url          ${dbCommand("url", config.embedded.dataDir)}  (prints it with the password)`,
      `stop         ${dbCommand("stop", config.embedded.dataDir)}`,
    );
  } else {
    lines.push(
      "server       stopped (runs start it on a free port and stop it again)",
      `database     ocp, user postgres, password in ${status.passwordFile}`,
      `open         ${dbCommand("psql", config.embedded.dataDir)}`,
      `keep running ${dbCommand("start", config.embedded.dataDir)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function notRunning(config: AppConfig): Error {
  return new Error(
    `the embedded PostgreSQL is not running; start it with: ${dbCommand("start", config.embedded.dataDir)}`,
  );
}

/** Checked before anything starts, so a missing client costs nothing. */
function requirePsql(): void {
  const probe = spawnSync("psql", ["--version"], { stdio: "ignore" });
  if (probe.error) {
    throw new Error(
      "psql (the PostgreSQL client) is not installed or not on PATH; install it (Debian/Ubuntu: apt-get install " +
        "postgresql-client, Fedora/RHEL: dnf install postgresql), or keep the server running (npx ocp-aggregator db start) " +
        "and connect another client to the URL from: npx ocp-aggregator db url",
    );
  }
}

/** psql owns the terminal; Ctrl-C belongs to it (it cancels a query), so this process ignores SIGINT meanwhile. */
async function runPsql(args: string[], password: string): Promise<number> {
  const ignore = () => {};
  process.on("SIGINT", ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn("psql", args, { stdio: "inherit", env: { ...process.env, PGPASSWORD: password } });
      child.once("error", (error) => reject(new Error(`psql could not be started: ${error.message}`)));
      child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    process.removeListener("SIGINT", ignore);
  }
}
