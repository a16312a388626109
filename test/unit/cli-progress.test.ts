// Progress goes to stderr: plain lines when it is not a terminal (throttled, the final count always
// last), a redrawn bar when it is.

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function sink(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } }), { isTTY, columns: 120 });
  return { stream, text: () => text };
}

const t = (done: number, succeeded = done, failed = 0, unanswered = 0) => ({ done, succeeded, failed, unanswered });

describe('progress', () => {
  it('off a terminal: one plain line per interval, the final count once, no escape codes', () => {
    const s = sink(false);
    const p = createProgress('auto', s.stream, 60_000);
    p.start(10, t(0));
    p.update(t(4));
    p.note('chunk 1: retrying');
    p.stop(t(10, 7, 2, 1));
    const lines = s.text().split('\n');
    expect(lines[0]).toMatch(/^progress: 0\/10 lines \(0%\), 0 succeeded, 0 failed, 0 unanswered, \d+\.\ds$/);
    expect(lines[1]).toBe('chunk 1: retrying');
    expect(lines[2]).toMatch(/^progress: 10\/10 lines \(100%\), 7 succeeded, 2 failed, 1 unanswered, \d+\.\ds$/);
    expect(lines).toHaveLength(4);
    expect(s.text()).not.toMatch(/\x1b/);
  });

  it('with interval 0 prints every update, and does not repeat an unchanged final count', () => {
    const s = sink(false);
    const p = createProgress('lines', s.stream, 0);
    p.start(3, t(0));
    p.update(t(1));
    p.update(t(3));
    p.stop(t(3));
    expect(s.text().match(/^progress: /gm)).toHaveLength(3);
  });

  it('on a terminal draws a bar with the counts', () => {
    const s = sink(true);
    const p = createProgress('auto', s.stream, 0);
    p.start(4, t(0));
    p.update(t(2, 1, 1));
    p.stop(t(4, 3, 1));
    expect(s.text()).toMatch(/taskhub-batch \[.*\] 100% \| 4\/4 lines \| 3 ok, 1 failed, 0 unanswered/);
    expect(s.text()).toMatch(/\x1b\[/);
  });

  it('none prints only notes', () => {
    const s = sink(false);
    const p = createProgress('none', s.stream, 0);
    p.start(1, t(0));
    p.note('hello');
    p.stop(t(1));
    expect(s.text()).toBe('hello\n');
  });
});
