/**
 * Version ranges as the ecosystems write them, reduced to one question: does a range admit
 * some release of a version line (`18`, `3.11`)? A range is a union of intervals; each
 * dialect only changes how its operators read:
 * - npm (engines.node, .nvmrc; Poetry's `python = "^3.9"` too): `^18.17`, `~18.1`, `18.x`,
 *   `>=18 <21`, `16 - 18`, `||`;
 * - pep440 (requires-python): `>=3.9,<3.12`, `~=3.10`, `==3.11.*`;
 * - composer (require.php): `^8.1`, `~8.1` (up to 9, unlike npm), `>=7.4 <8.3`, `|`/`||`;
 * - gem (Gemfile `ruby`): `~> 3.1`, `>= 3.0, < 3.3`.
 * `!=` excludes a point or a series, never a whole line here, so it is read as no bound.
 */

/** A version as numbers: `3.11.4` → [3, 11, 4]. Missing parts compare as 0. */
export type Version = number[];

interface Bound {
  version: Version;
  inclusive: boolean;
}

/** Versions between two bounds; no `min` is from 0, no `max` is unbounded. */
export interface Interval {
  min?: Bound;
  max?: Bound;
}

/** Any of its intervals. */
export type VersionRange = Interval[];

export type RangeDialect = 'npm' | 'pep440' | 'composer' | 'gem';

const MAX_RANGE_LENGTH = 256;
const OPERATOR = /^(~>|~=|===|==|!=|>=|<=|\^|~|>|<|=)?\s*v?(.*)$/;

/** `v18.17.0`, `3.11`, `1.23rc1` → their leading numbers; undefined when there are none. */
export function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+(?:\.\d+)*)/.exec(text.trim());
  return match ? match[1].split('.').map(Number) : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The range a text means in a dialect; undefined when a part of it is not a version. */
export function parseRange(text: string, dialect: RangeDialect): VersionRange | undefined {
  // Repo text: a real constraint is short, and a long one is not worth the parser's time.
  if (text.length > MAX_RANGE_LENGTH) return undefined;
  const alternatives = dialect === 'npm' ? text.split('||') : dialect === 'composer' ? text.split(/\|\|?/) : [text];
  const range: VersionRange = [];
  for (const alternative of alternatives) {
    const interval = parseComparatorSet(alternative.trim(), dialect);
    if (!interval) return undefined;
    range.push(interval);
  }
  return range;
}

/** Whether some release of `line` (`18` → 18.x, `3.11` → 3.11.x) is in the range. */
export function rangeAdmitsLine(range: VersionRange, line: string): boolean {
  const lineInterval = seriesOf(line.split('.').map(Number));
  return range.some((interval) => !isEmpty(intersect(interval, lineInterval)));
}

/**
 * Whether an exact version (`2.1.3`, as a lockfile holds it) is in an npm range (as package.json
 * holds it); undefined when either is beyond this reader (prereleases, tags, URLs, `npm:`
 * aliases, `workspace:`): the caller then leaves the judgement to the package manager.
 */
export function npmRangeAdmits(version: string, range: string): boolean | undefined {
  if (!/^v?\d+\.\d+\.\d+(\+[\w.-]+)?$/.test(version.trim()) || /\d-[0-9A-Za-z]/.test(range)) return undefined;
  const parsed = parseRange(range.trim(), 'npm');
  const exact = parseVersion(version)!;
  return parsed?.some((interval) => !isEmpty(intersect(interval, { min: { version: exact, inclusive: true }, max: { version: exact, inclusive: true } })));
}

/** The range's lowest admitted version, when it has a lower bound. */
export function lowestVersion(range: VersionRange): Version | undefined {
  const mins = range.map((i) => i.min?.version);
  if (mins.some((m) => m === undefined)) return undefined;
  return (mins as Version[]).sort(compareVersions)[0];
}

function parseComparatorSet(text: string, dialect: RangeDialect): Interval | undefined {
  if (dialect === 'npm') {
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) {
      const [from, to] = [parsePartial(hyphen[1]), parsePartial(hyphen[2])];
      if (!from || !to) return undefined;
      return { min: { version: from.version, inclusive: true }, max: upperOfPartial(to) };
    }
  }
  // `>= 18` and `~> 3.1`: an operator and its version are one comparator.
  const joined = text.replace(/(~>|~=|===|==|!=|>=|<=|\^|~|>|<|=)\s+/g, '$1');
  const parts = (dialect === 'npm' ? joined.split(/\s+/) : dialect === 'pep440' || dialect === 'gem' ? joined.split(',') : joined.split(/[\s,]+/))
    .map((p) => p.trim())
    .filter(Boolean);
  let interval: Interval = {};
  for (const part of parts.length ? parts : ['*']) {
    const comparator = parseComparator(part, dialect);
    if (!comparator) return undefined;
    interval = intersect(interval, comparator);
  }
  return interval;
}

interface Partial {
  version: Version;
  /** `18.x`, `3.11.*` or a bare `18`: the parts given, before any wildcard. */
  wildcard: boolean;
}

/** `18`, `18.x`, `3.11.*`, `*` (→ no parts); undefined when not a version. */
function parsePartial(text: string): Partial | undefined {
  const parts = text.replace(/^v/, '').split('.');
  const version: Version = [];
  for (const [i, part] of parts.entries()) {
    if (/^[x*]$/i.test(part)) return i === parts.length - 1 ? { version, wildcard: true } : undefined;
    const number = /^(\d+)/.exec(part);
    if (!number) return undefined;
    version.push(Number(number[1]));
    // A pre-release or build suffix (`1.23rc1`, `3.1.2p20`, `18.0.0-rc.1`) ends the version.
    if (number[1] !== part) break;
  }
  return { version, wildcard: false };
}

function parseComparator(text: string, dialect: RangeDialect): Interval | undefined {
  const [, operator = '', rest] = OPERATOR.exec(text)!;
  const partial = parsePartial(rest);
  if (!partial) return undefined;
  const { version, wildcard } = partial;
  if (version.length === 0) return operator === '' || operator === '=' || operator === '==' ? {} : undefined;
  const at = (inclusive: boolean): Bound => ({ version, inclusive });
  switch (operator) {
    case '>=':
      return { min: at(true) };
    case '>':
      // npm: `>18` means above every 18.x.
      return dialect === 'npm' && version.length < 3 ? { min: { version: bump(version, version.length - 1), inclusive: true } } : { min: at(false) };
    case '<=':
      return dialect === 'npm' && version.length < 3 ? { max: { version: bump(version, version.length - 1), inclusive: false } } : { max: at(true) };
    case '<':
      return { max: at(false) };
    case '^':
      return { min: at(true), max: { version: bump(version, caretPart(version)), inclusive: false } };
    case '~':
      // npm and Poetry: `~18.1` stays in 18.1. Composer: `~8.1` may reach 8.x, like `~>`.
      if (dialect === 'composer') return pessimistic(version);
      return { min: at(true), max: { version: bump(version, version.length === 1 ? 0 : 1), inclusive: false } };
    case '~>':
    case '~=':
      return pessimistic(version);
    case '!=':
      return {};
    case '===':
      return { min: at(true), max: at(true) };
    case '==':
    case '=':
    case '':
      // PEP 440 `==3.11` is 3.11.0 alone; a bare or `=` version elsewhere is its whole series
      // (npm's x-range; composer's `8.2` read the way users mean it), as is any `.*`.
      if (dialect === 'pep440' && !wildcard) return { min: at(true), max: at(true) };
      if (dialect === 'gem') return { min: at(true), max: at(true) };
      return seriesOf(version);
    default:
      return undefined;
  }
}

/** `~> 3.1` / `~=3.1` / composer `~3.1`: the last given part may rise (3.1 ≤ v < 4). */
function pessimistic(version: Version): Interval {
  const part = Math.max(0, version.length - 2);
  return { min: { version, inclusive: true }, max: { version: bump(version, part), inclusive: false } };
}

/** The part `^` may not change: the first non-zero one (`^0.2` stays in 0.2). */
function caretPart(version: Version): number {
  const i = version.findIndex((n) => n !== 0);
  return i === -1 ? version.length - 1 : i;
}

function bump(version: Version, part: number): Version {
  return [...version.slice(0, part), version[part] + 1];
}

function seriesOf(version: Version): Interval {
  return { min: { version, inclusive: true }, max: { version: bump(version, version.length - 1), inclusive: false } };
}

function upperOfPartial(partial: Partial): Bound {
  // npm: `16 - 18` includes every 18.x; `16 - 18.2.1` stops at 18.2.1.
  return partial.version.length < 3 ? { version: bump(partial.version, partial.version.length - 1), inclusive: false } : { version: partial.version, inclusive: true };
}

function intersect(a: Interval, b: Interval): Interval {
  const min = !a.min ? b.min : !b.min ? a.min : tighterMin(a.min, b.min);
  const max = !a.max ? b.max : !b.max ? a.max : tighterMax(a.max, b.max);
  return { ...(min ? { min } : {}), ...(max ? { max } : {}) };
}

function tighterMin(a: Bound, b: Bound): Bound {
  const c = compareVersions(a.version, b.version);
  return c > 0 || (c === 0 && !a.inclusive) ? a : b;
}

function tighterMax(a: Bound, b: Bound): Bound {
  const c = compareVersions(a.version, b.version);
  return c < 0 || (c === 0 && !a.inclusive) ? a : b;
}

function isEmpty(interval: Interval): boolean {
  if (!interval.min || !interval.max) return false;
  const c = compareVersions(interval.min.version, interval.max.version);
  return c > 0 || (c === 0 && !(interval.min.inclusive && interval.max.inclusive));
}
