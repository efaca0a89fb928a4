/**
 * Whether a version satisfies an npm range, for the plain ranges package.json files hold
 * (`1.2.3`, `^1.2.3`, `~1.2`, `1.x`, `>=1 <3`, `a || b`, `1.0.0 - 2.0.0`, `*`). Undefined when
 * it cannot tell (tags, URLs, `npm:` aliases, prereleases): the caller then trusts the tool.
 */
export function satisfiesRange(version: string, range: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  const sets = range.trim().split('||').map((set) => comparatorSet(set.trim()));
  if (sets.some((set) => set === undefined)) return undefined;
  return sets.some((set) => set!.every((test) => test(v)));
}

type Version = [number, number, number];
type Test = (v: Version) => boolean;

function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(\+[\w.-]+)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function comparatorSet(set: string): Test[] | undefined {
  if (set === '' || set === '*' || set === 'x') return [() => true];
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
  const parts = hyphen ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`] : set.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
  const tests = parts.map(comparator);
  return tests.some((t) => t === undefined) ? undefined : (tests as Test[]);
}

/** A partial version: `1`, `1.2`, `1.x`, `1.2.3`; `x`/`*` parts count as missing. */
function partial(text: string): { v: Version; given: number } | undefined {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(\+[\w.-]+)?$/.exec(text);
  if (!m) return undefined;
  const nums = [m[1], m[2], m[3]].map((p) => (p === undefined || /^[xX*]$/.test(p) ? undefined : Number(p)));
  const given = nums.findIndex((n) => n === undefined);
  const count = given === -1 ? 3 : given;
  if (nums.slice(count).some((n) => n !== undefined)) return undefined;
  return { v: [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0], given: count };
}

/** The first version past a partial one: `1.2` → 1.3.0, `1` → 2.0.0. */
function bump(v: Version, at: number): Version {
  if (at <= 0) return [v[0] + 1, 0, 0];
  if (at === 1) return [v[0], v[1] + 1, 0];
  return [v[0], v[1], v[2] + 1];
}

function comparator(text: string): Test | undefined {
  const m = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(text)!;
  const op = m[1] ?? '=';
  const p = partial(m[2]!);
  if (!p) return undefined;
  const { v, given } = p;
  if (given === 0) return op === '<' || op === '>' ? () => false : () => true;
  const within = (upper: Version): Test => (x) => compare(x, v) >= 0 && compare(x, upper) < 0;
  switch (op) {
    case '=':
      return given === 3 ? (x) => compare(x, v) === 0 : within(bump(v, given - 1));
    case '^': {
      // The leftmost non-zero part given is the one that may not change.
      const fixed = v[0] > 0 || given === 1 ? 0 : v[1] > 0 || given === 2 ? 1 : 2;
      return within(bump(v, fixed));
    }
    case '~':
      return within(bump(v, given === 1 ? 0 : 1));
    case '>=':
      return (x) => compare(x, v) >= 0;
    case '>':
      return given === 3 ? (x) => compare(x, v) > 0 : (x) => compare(x, bump(v, given - 1)) >= 0;
    case '<':
      return (x) => compare(x, v) < 0;
    default: // '<='
      return given === 3 ? (x) => compare(x, v) <= 0 : (x) => compare(x, bump(v, given - 1)) < 0;
  }
}
