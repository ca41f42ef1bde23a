/**
 * What the bench shows on stderr while it runs: on a terminal a bar over all measured runs with the
 * current step beside it; elsewhere (CI, a log file) one line per step, so a long bench is never silent.
 */
import cliProgress from "cli-progress";

export interface BenchProgress {
  /** A line of news outside the bar (dataset generation, the database, results). */
  note(message: string): void;
  /** Begins counting `total` measured runs. */
  start(total: number): void;
  /** A measured run begins. */
  begin(label: string): void;
  /** The run that began last has finished; `result` is a short summary of it. */
  finish(result: string): void;
  stop(): void;
}

export function createBenchProgress(
  stream: NodeJS.WriteStream = process.stderr,
  interactive = stream.isTTY === true,
): BenchProgress {
  let bar: cliProgress.SingleBar | null = null;
  let done = 0;
  let total = 0;
  let current = "";
  const line = (text: string) => {
    if (bar) bar.stop();
    stream.write(`${text}\n`);
    if (bar) bar.start(total, done, { step: current });
  };
  return {
    note: (message) => line(message),
    start(count) {
      total = count;
      done = 0;
      if (!interactive) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: "bench {bar} {value}/{total} runs | {step}",
          hideCursor: true,
          fps: 4,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { step: "" });
    },
    begin(label) {
      current = label;
      if (bar) bar.update(done, { step: `${label} …` });
      else stream.write(`[${done + 1}/${total}] ${label} …\n`);
    },
    finish(result) {
      done++;
      if (bar) {
        line(`  ${current}: ${result}`);
        bar.update(done, { step: current });
      } else stream.write(`[${done}/${total}] ${current}: ${result}\n`);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/** A progress display that shows nothing (tests, `--quiet`). */
export const silentProgress: BenchProgress = {
  note: () => {},
  start: () => {},
  begin: () => {},
  finish: () => {},
  stop: () => {},
};
