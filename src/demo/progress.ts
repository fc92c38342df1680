/**
 * A progress line on stderr (stdout stays clean for output a script may capture). On a terminal it
 * redraws one line; otherwise it prints a plain line at most every few seconds, so CI logs stay short.
 */
export interface Progress {
  update(done: number, rows: number): void;
  finish(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function createProgress(total: number, unit: string, stream: NodeJS.WriteStream = process.stderr, now = () => performance.now()): Progress {
  const started = now();
  const tty = stream.isTTY === true;
  let lastPrint = -Infinity;
  let line = '';

  const render = (done: number, rows: number) => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
    const share = total > 0 ? done / total : 1;
    const bar = tty ? `[${'#'.repeat(Math.round(share * 24)).padEnd(24, '.')}] ` : '';
    return `${bar}${(share * 100).toFixed(0).padStart(3)}%  ${fmt(done)}/${fmt(total)} ${unit}  ${fmt(rate)} ${unit}/s  ${fmt(seconds > 0 ? rows / seconds : 0)} rows/s  elapsed ${duration(seconds)}  ETA ${duration(eta)}`;
  };

  return {
    update(done, rows) {
      const t = now();
      if (tty) {
        line = render(done, rows);
        stream.write(`\r${line}\u001b[K`);
      } else if (t - lastPrint >= 5000 || done >= total) {
        lastPrint = t;
        stream.write(`${render(done, rows)}\n`);
      }
    },
    finish() {
      if (tty && line) stream.write('\n');
    },
  };
}
