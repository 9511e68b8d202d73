/**
 * A one-line progress bar on stderr while a batch runs, only when stderr is a terminal: piped or
 * redirected output never receives it. The output module clears it before printing a result
 * and draws it again after, so the two never mix on screen.
 */
export interface Progress {
  /** One more message done. */
  tick(): void;
  /** Erases the bar (before something else is printed). */
  clear(): void;
  /** Draws the bar again, if it was drawn before. */
  redraw(): void;
  /** Erases the bar for good. */
  done(): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const NO_PROGRESS: Progress = { tick() {}, clear() {}, redraw() {}, done() {} };
const REDRAW_EVERY_MS = 80;
const ERASE_LINE = '\r\u001b[2K';

export function createProgress(stream: ProgressStream, total: () => number | undefined, now: () => number = Date.now): Progress {
  if (stream.isTTY !== true) return NO_PROGRESS;
  let count = 0;
  let shown = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  const draw = (): void => {
    stream.write(ERASE_LINE + progressLine(count, total(), stream.columns ?? 80));
    shown = true;
    lastDraw = now();
  };
  return {
    tick() {
      count += 1;
      if (now() - lastDraw >= REDRAW_EVERY_MS) draw();
    },
    clear() {
      if (shown) stream.write(ERASE_LINE);
    },
    redraw() {
      if (shown) draw();
    },
    done() {
      if (shown) stream.write(ERASE_LINE);
      shown = false;
    },
  };
}

/** `[#######.......] 12/50 messages`, or `12 messages checked` when the total is unknown (mbox). */
export function progressLine(count: number, total: number | undefined, columns: number): string {
  if (total === undefined || total === 0) return `${count} message${count === 1 ? '' : 's'} checked`;
  const label = ` ${count}/${total} messages`;
  const width = Math.max(10, Math.min(40, columns - label.length - 3));
  const filled = Math.min(width, Math.round((count / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${label}`;
}
