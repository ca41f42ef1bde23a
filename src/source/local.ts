/**
 * Input source over a local directory holding Koku's tree. Reads are positional reads on one file
 * handle per opened file, so only the byte ranges the Parquet reader asks for are touched.
 */
import type { Dirent } from "node:fs";
import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ByteSource, InputFile, InputSource } from "../model.js";
import {
  compareLocations,
  describeRunSearch,
  listRunFiles,
  type RunQuery,
  type RunSearch,
  type TreeBrowser,
} from "./layout.js";

export class LocalSource implements InputSource {
  readonly root: string;
  private readonly handles = new Set<FileHandle>();
  /** The folder view, also used to list trees other than the OCP one (e.g. AWS CUR, src/aws/source). */
  readonly browser: TreeBrowser;

  constructor(root: string) {
    this.root = resolve(root);
    this.browser = new LocalTreeBrowser(this.root);
  }

  describe(): string {
    return this.root;
  }

  async list(query: RunQuery): Promise<InputFile[]> {
    await assertFolder(this.root);
    const found = await listRunFiles(this.browser, this.root, query);
    return found
      .map((file) => ({
        reportType: file.reportType,
        granularity: file.granularity,
        location: join(this.root, ...file.path.split("/")),
        size: file.size,
      }))
      .sort((a, b) => compareLocations(a.location, b.location));
  }

  describeSearch(query: RunQuery): Promise<RunSearch> {
    return describeRunSearch(this.browser, query);
  }

  async open(file: InputFile): Promise<ByteSource> {
    const handle = await open(file.location, "r");
    this.handles.add(handle);
    try {
      const { size } = await handle.stat();
      return new FileByteSource(handle, size, file.location);
    } catch (error) {
      this.handles.delete(handle);
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const handles = [...this.handles];
    this.handles.clear();
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

/** Byte ranges of one open file; `slice` follows ArrayBuffer.slice bounds (clamped to the file). */
export class FileByteSource implements ByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly byteLength: number,
    private readonly location: string,
  ) {}

  async slice(start: number, end?: number): Promise<ArrayBuffer> {
    const from = clampOffset(start, this.byteLength);
    const to = Math.max(from, clampOffset(end ?? this.byteLength, this.byteLength));
    const buffer = new ArrayBuffer(to - from);
    const view = new Uint8Array(buffer);
    let filled = 0;
    // A positional read may return fewer bytes than asked; loop until the range is complete.
    while (filled < view.length) {
      const { bytesRead } = await this.handle.read(view, filled, view.length - filled, from + filled);
      if (bytesRead === 0) {
        throw new Error(`${this.location}: file shorter than expected (wanted bytes ${from}-${to - 1})`);
      }
      filled += bytesRead;
    }
    return buffer;
  }
}

/** A missing root is a configuration error, not an empty month. */
async function assertFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`input folder not found: ${path}`);
}

function clampOffset(offset: number, length: number): number {
  const absolute = offset < 0 ? length + offset : offset;
  return Math.min(Math.max(0, absolute), length);
}

/** TreeBrowser over the file system; symlinked folders and files are followed. */
class LocalTreeBrowser implements TreeBrowser {
  constructor(private readonly root: string) {}

  async listFolders(dir: string): Promise<string[]> {
    const entries = await readEntries(this.pathOf(dir));
    const folders: string[] = [];
    for (const entry of entries) {
      if (await isKind(entry, join(this.pathOf(dir), entry.name), "directory")) folders.push(entry.name);
    }
    return folders;
  }

  async listFilesBelow(dir: string): Promise<{ relativePath: string; size: number }[]> {
    const files: { relativePath: string; size: number }[] = [];
    const walk = async (absolute: string, relative: string): Promise<void> => {
      for (const entry of await readEntries(absolute)) {
        const childAbsolute = join(absolute, entry.name);
        const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
        if (await isKind(entry, childAbsolute, "directory")) {
          await walk(childAbsolute, childRelative);
        } else if (await isKind(entry, childAbsolute, "file")) {
          files.push({ relativePath: childRelative, size: (await stat(childAbsolute)).size });
        }
      }
    };
    await walk(this.pathOf(dir), "");
    return files;
  }

  private pathOf(dir: string): string {
    return dir === "" ? this.root : join(this.root, ...dir.split("/"));
  }
}

async function readEntries(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}

async function isKind(entry: Dirent, path: string, kind: "directory" | "file"): Promise<boolean> {
  if (!entry.isSymbolicLink()) return kind === "directory" ? entry.isDirectory() : entry.isFile();
  try {
    const target = await stat(path);
    return kind === "directory" ? target.isDirectory() : target.isFile();
  } catch {
    return false; // dangling link
  }
}
