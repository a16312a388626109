// Progress on stderr: a bar when stderr is a terminal, otherwise one plain line at most every
// --progress-interval-ms (and always at the end), which reads well in CI logs and `2> file`.

import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface Tally {
  /** Lines with a result (this run and, on --resume, earlier runs). */
  done: number;
  succeeded: number;
  failed: number;
  unanswered: number;
}

export interface Progress {
  start(total: number, tally: Tally): void;
  update(tally: Tally): void;
  /** A message that must not be drawn over by the bar. */
  note(message: string): void;
  stop(tally: Tally): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

export function createProgress(mode: ProgressMode, stream: Stream, intervalMs: number): Progress {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'bar') return barProgress(stream);
  if (resolved === 'lines') return lineProgress(stream, intervalMs);
  return { start() {}, update() {}, note: (m) => { stream.write(`${m}\n`); }, stop() {} };
}

const percent = (done: number, total: number) => (total === 0 ? 100 : Math.floor((done / total) * 100));

function lineProgress(stream: Stream, intervalMs: number): Progress {
  let total = 0;
  let last = -Infinity;
  let lastDone = -1;
  let started = 0;
  const print = (t: Tally) => {
    last = Date.now();
    lastDone = t.done;
    const secs = ((last - started) / 1000).toFixed(1);
    stream.write(`progress: ${t.done}/${total} lines (${percent(t.done, total)}%), ${t.succeeded} succeeded, ${t.failed} failed, ${t.unanswered} unanswered, ${secs}s\n`);
  };
  return {
    start(n, t) { total = n; started = Date.now(); print(t); },
    update(t) { if (Date.now() - last >= intervalMs) print(t); },
    note(m) { stream.write(`${m}\n`); },
    // The last word is always the final count, printed once.
    stop(t) { if (t.done !== lastDone) print(t); },
  };
}

function barProgress(stream: Stream): Progress {
  const bar = new cliProgress.SingleBar({
    stream,
    format: 'taskhub-batch [{bar}] {percentage}% | {value}/{total} lines | {succeeded} ok, {failed} failed, {unanswered} unanswered | {duration_formatted}',
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  let current: Tally = { done: 0, succeeded: 0, failed: 0, unanswered: 0 };
  const payload = (t: Tally) => ({ succeeded: t.succeeded, failed: t.failed, unanswered: t.unanswered });
  return {
    start(total, t) { current = t; bar.start(total, t.done, payload(t)); },
    update(t) { current = t; bar.update(t.done, payload(t)); },
    note(m) {
      // Clear the bar's line, print, and let the bar redraw below.
      stream.write(`\r\x1b[K${m}\n`);
      bar.update(current.done, payload(current));
    },
    stop(t) { bar.update(t.done, payload(t)); bar.stop(); },
  };
}
