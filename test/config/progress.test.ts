import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress, formatBytes, formatCount, shouldShowProgress } from "../../src/cli/progress.js";

/** A stream that claims to be a terminal, as cli-progress checks, and records what is drawn. */
function fakeTerminal(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  Object.assign(stream, {
    isTTY: true,
    columns: 200,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream, text: () => chunks.join("") };
}

describe("shouldShowProgress", () => {
  const tty = { isTTY: true } as unknown as NodeJS.WritableStream;
  const pipe = { isTTY: false } as unknown as NodeJS.WritableStream;

  it("shows the bar in auto mode only on a terminal outside CI", () => {
    expect(shouldShowProgress("auto", tty, {})).toBe(true);
    expect(shouldShowProgress("auto", pipe, {})).toBe(false);
    expect(shouldShowProgress("auto", tty, { CI: "true" })).toBe(false);
    expect(shouldShowProgress("auto", tty, { CI: "false" })).toBe(true);
  });

  it("obeys on and off", () => {
    expect(shouldShowProgress("on", pipe, { CI: "1" })).toBe(true);
    expect(shouldShowProgress("off", tty, {})).toBe(false);
  });
});

describe("createProgress", () => {
  it("draws nothing when disabled but still counts", () => {
    const terminal = fakeTerminal();
    const progress = createProgress({ enabled: false, stream: terminal.stream });
    progress.start({ files: 2, rowGroups: 4, bytes: 1000 });
    progress.advance({ rowGroups: 1, rows: 500 });
    progress.advance({ rowGroups: 3, rows: 1500, files: 2 });
    progress.stop();
    expect(terminal.text()).toBe("");
    expect(progress.counts()).toEqual({ files: 2, rowGroups: 4, rows: 2000 });
  });

  it("draws files, row groups and rows on a terminal", () => {
    const terminal = fakeTerminal();
    const progress = createProgress({ enabled: true, stream: terminal.stream });
    progress.start({ files: 2, rowGroups: 4, bytes: 3 * 1024 * 1024 });
    progress.advance({ rowGroups: 2, rows: 12_345, files: 1 });
    progress.advance({ rowGroups: 2, rows: 20_000, files: 1 });
    progress.stop();
    progress.stop(); // idempotent
    const text = terminal.text();
    expect(text).toContain("files 2/2 (3.0 MiB)");
    expect(text).toContain("row groups 4/4");
    expect(text).toContain("32.3K rows");
    expect(text).toContain("100%");
  });
});

describe("number formatting", () => {
  it("abbreviates counts and sizes", () => {
    expect(formatCount(999)).toBe("999");
    expect(formatCount(12_345)).toBe("12.3K");
    expect(formatCount(2_500_000)).toBe("2.50M");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
  });
});
