import type { VersionRange } from './version-range.js';

/** A runtime version an app asks for in its own files, as read from the first that has one. */
export interface VersionPin {
  /** Where it was read, for the reasons and errors: `engines.node in package.json`, `runtime.txt`. */
  source: string;
  /** As written there: `^18`, `python-3.11.4`. */
  text: string;
  /** What it admits; undefined when the text is not a version Slipway reads (`lts/argon`, `pypy3.9`). */
  range?: VersionRange;
  /** go: the toolchain it asks for (`1.23.4`), for when no offered image is new enough. */
  toolchain?: string;
}

/**
 * A language's pin reader: the top-level files it looks at, in order of precedence, and a pure
 * function of their texts (a file that is absent has none).
 */
export interface PinReader {
  files: string[];
  read: (texts: Record<string, string | undefined>) => VersionPin | undefined;
}
