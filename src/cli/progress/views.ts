import { clearScreenDown, moveCursor } from 'node:readline';
import type { JobProgress, OutputLine } from './feed.js';

/** Draws progress snapshots somewhere; `close` once after the last one. */
export interface ProgressView {
  update(progress: JobProgress): void;
  /** One output record of the job, printed as a line of its own. */
  output(line: OutputLine): void;
  close(): void;
}

/** @internal the text of an output record: `[routineId] data` (non-string data as JSON, cut at 500 characters). */
export function outputText(o: OutputLine): string {
  let text: string;
  try {
    text = typeof o.data === 'string' ? o.data : (JSON.stringify(o.data) ?? String(o.data));
  } catch {
    text = String(o.data);
  }
  return `[${o.routineId}] ${text.length > 500 ? `${text.slice(0, 499)}…` : text}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** @internal the lines of the live view for one snapshot (no colours: they are the terminal's business). */
export function liveLines(title: string, p: JobProgress, width: number): string[] {
  const ids = Object.keys(p.routines);
  const idWidth = Math.min(32, Math.max(7, ...ids.map((id) => id.length)));
  const row = (id: string, status: string, done: string, failed: string, queued: string): string =>
    `  ${id.padEnd(idWidth).slice(0, idWidth)}  ${status.padEnd(10)} ${done.padStart(6)} ${failed.padStart(7)} ${queued.padStart(7)}`;
  const lines = [
    `${title}  job ${p.jobId.slice(0, 8)}  ${p.status}  ${seconds(p.elapsedMs)}`,
    row('routine', 'status', 'done', 'failed', 'queued'),
    ...ids.map((id) => {
      const r = p.routines[id]!;
      return row(id, r.status, String(r.done), String(r.failed), String(r.queued));
    }),
    `  queued ${p.queued} · active ${p.active}`,
  ];
  return lines.map((l) => (l.length > width ? l.slice(0, Math.max(1, width - 1)) : l));
}

/**
 * The TTY view: redraws its block in place on each snapshot, with Node's own readline
 * cursor primitives (moveCursor / clearScreenDown).
 */
export function liveView(stream: NodeJS.WritableStream & { columns?: number }, title: string): ProgressView {
  let drawn = 0;
  let last: JobProgress | undefined;
  stream.write('\u001b[?25l'); // hide the cursor while redrawing
  const restore = (): void => {
    stream.write('\u001b[?25h');
  };
  process.once('exit', restore);
  const width = (): number => (stream.columns !== undefined && stream.columns > 20 ? stream.columns : 100);
  const erase = (): void => {
    if (drawn > 0) moveCursor(stream, 0, -drawn);
    clearScreenDown(stream);
    drawn = 0;
  };
  const draw = (p: JobProgress): void => {
    const lines = liveLines(title, p, width());
    stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  return {
    update(p) {
      last = p;
      erase();
      draw(p);
    },
    output(o) {
      // the line scrolls up above the block; the block is drawn again below it
      erase();
      stream.write(`${outputText(o)}\n`);
      if (last !== undefined) draw(last);
    },
    close() {
      restore();
      process.removeListener('exit', restore);
    },
  };
}

/** @internal the plain progress line of one snapshot. */
export function plainLine(p: JobProgress): string {
  const parts = Object.entries(p.routines).map(([id, r]) => `${id} ${r.done}${r.failed > 0 ? `/${r.failed} failed` : ''}`);
  return `[${seconds(p.elapsedMs)}] ${p.status} · ${parts.join(', ')} · queued ${p.queued}, active ${p.active}`;
}

/** Plain lines for logs and CI: one per snapshot whose content changed, and the last one. */
export function plainView(write: (line: string) => void): ProgressView {
  let last = '';
  return {
    update(p) {
      const line = plainLine(p);
      const key = line.replace(/^\[[^\]]*\] /, '');
      if (key !== last) write(line);
      last = key;
    },
    output(o) {
      write(outputText(o));
    },
    close() {},
  };
}
