import { truncateLine } from '../store/build-log.js';
import type { Masker } from './log-masker.js';

export interface LineSink {
  /** A piece of output, cut anywhere: inside a line, a secret or a character's escape. */
  write(text: string): void;
  /** The output ended: the last line, if it had no newline, goes out now. */
  end(): void;
}

/**
 * Turns output that arrives in pieces (docker's build stream, a test container's stdout) into
 * complete lines, masked as whole lines: a secret split across two pieces is still masked.
 *
 * Memory stays bounded whatever a build prints: a line that grows past `lineLimit` bytes is
 * masked, cut, marked `[line truncated]` and sent, and the rest of it up to the next newline
 * is dropped as it comes. The cut waits for `mask.longest` more characters, so a secret that
 * straddles the cut is whole when it is masked.
 */
export function logLines(params: { mask: Masker; lineLimit: number; onLine: (line: string) => void }): LineSink {
  const { mask, lineLimit, onLine } = params;
  let partial = '';
  let dropping = false;
  const overflow = () => {
    if (partial.length <= lineLimit + mask.longest) return;
    onLine(truncateLine(mask(partial), lineLimit, true));
    partial = '';
    dropping = true;
  };
  return {
    write(text) {
      let start = 0;
      for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
        const piece = text.slice(start, newline);
        start = newline + 1;
        if (!dropping) {
          partial += piece;
          overflow();
        }
        if (dropping) dropping = false;
        else onLine(mask(partial));
        partial = '';
      }
      if (dropping || start === text.length) return;
      partial += text.slice(start);
      overflow();
    },
    end() {
      if (partial !== '' && !dropping) onLine(mask(partial));
      partial = '';
      dropping = false;
    },
  };
}
