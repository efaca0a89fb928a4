// The `generate: expression` value generator of OpenShift templates: a small regex-like
// language (`[a-zA-Z0-9]{16}`, `user[A-Z0-9]{3}`, `[\w]{10}`) producing random strings,
// used for passwords and user names, so the default source is the crypto RNG.
//
// Where this differs from library-go's generator (pkg/template/generator), on purpose:
// - ranges include their last character: library-go slices `ASCII[left:right]`, so its
//   `[0-9]` never yields `9` and `[a-z]` never yields `z`; the OpenShift docs promise the
//   regex meaning, and dropping characters only loses entropy;
// - `\a` is `[a-zA-Z]` as the OpenShift docs state (library-go's code also adds digits);
// - plain lists (`[abc]`), a class without `{n}` (one character), `x{3}` after a literal
//   character and `{n}` up to 1024 are accepted (library-go: only `[ranges]{1..255}`);
// - malformed input is an error instead of being copied through as literal text.

import { randomInt } from 'node:crypto';
import { SlipwayError } from '../errors.js';
import type { RandomInt } from './types.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/** Range ends are looked up in this order, as OpenShift does, so `a-Z` means every letter. */
const RANGE_ORDER = LETTERS + DIGITS;
/** Every printable ASCII punctuation character: OpenShift's `\A`. */
const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const SHORTHANDS = new Map<string, string>([
  ['w', LETTERS + DIGITS + '_'],
  ['d', DIGITS],
  ['a', LETTERS],
  ['A', SYMBOLS],
]);
/** Bounds a template author's typo (`{16000}`) rather than any real need. */
const MAX_REPEAT = 1024;

/** One unit of the expression: `count` characters drawn from `alphabet` (or copied, if literal). */
interface Atom {
  alphabet: string[];
  literal: boolean;
  count: number;
}

/**
 * Generates a value from an OpenShift `generate: expression` `from` string.
 * Throws TEMPLATE_EXPRESSION_INVALID (naming the expression) when it cannot be parsed.
 */
export function generateExpression(expression: string, random: RandomInt = (max) => randomInt(max)): string {
  // Parse everything before drawing anything, so a bad expression fails the same way every time.
  const atoms = parseExpression(expression);
  let out = '';
  for (const atom of atoms) {
    if (atom.literal) {
      out += atom.alphabet.join('').repeat(atom.count);
      continue;
    }
    for (let n = 0; n < atom.count; n++) out += pick(atom.alphabet, random);
  }
  return out;
}

function pick(alphabet: string[], random: RandomInt): string {
  const index = random(alphabet.length);
  const char = alphabet[index];
  if (char === undefined) throw new RangeError(`random(${alphabet.length}) returned ${index}`);
  return char;
}

function invalid(expression: string, problem: string): SlipwayError {
  return new SlipwayError('TEMPLATE_EXPRESSION_INVALID', `invalid generator expression "${expression}": ${problem}`, {
    expression,
    problem,
  });
}

/** The whole code point at `index` ('' past the end), so literal emoji survive `{n}`. */
function charAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  return code === undefined ? '' : String.fromCodePoint(code);
}

function parseExpression(expression: string): Atom[] {
  const atoms: Atom[] = [];
  // `{n}` applies to the atom just before it; a second `{n}` or a leading one has no target.
  let repeatable = false;
  let i = 0;
  while (i < expression.length) {
    const c = charAt(expression, i);
    if (c === '[') {
      const { alphabet, end } = parseClass(expression, i);
      atoms.push({ alphabet, literal: false, count: 1 });
      i = end;
      repeatable = true;
    } else if (c === '\\') {
      const next = charAt(expression, i + 1);
      if (next === '') throw invalid(expression, 'it ends with a lone "\\"');
      const shorthand = SHORTHANDS.get(next);
      atoms.push(shorthand ? { alphabet: [...shorthand], literal: false, count: 1 } : { alphabet: [next], literal: true, count: 1 });
      i += 1 + next.length;
      repeatable = true;
    } else if (c === '{') {
      const target = atoms.at(-1);
      if (!repeatable || !target) throw invalid(expression, `"{" at position ${i} has nothing to repeat`);
      const close = expression.indexOf('}', i);
      if (close === -1) throw invalid(expression, `"{" at position ${i} is never closed`);
      const body = expression.slice(i + 1, close);
      if (!/^[0-9]+$/.test(body)) throw invalid(expression, `repetition "{${body}}" at position ${i} is not a number`);
      const count = Number(body);
      if (count < 1 || count > MAX_REPEAT) {
        throw invalid(expression, `repetition {${body}} at position ${i} must be between 1 and ${MAX_REPEAT}`);
      }
      target.count = count;
      i = close + 1;
      repeatable = false;
    } else {
      atoms.push({ alphabet: [c], literal: true, count: 1 });
      i += c.length;
      repeatable = true;
    }
  }
  return atoms;
}

/** Parses `[...]` starting at `start`; returns its de-duplicated alphabet and the index after `]`. */
function parseClass(expression: string, start: number): { alphabet: string[]; end: number } {
  const chars: string[] = [];
  let i = start + 1;
  for (;;) {
    const c = charAt(expression, i);
    if (c === '') throw invalid(expression, `"[" at position ${start} is never closed`);
    if (c === ']') break;
    if (c === '\\') {
      const next = charAt(expression, i + 1);
      if (next === '') throw invalid(expression, `"[" at position ${start} is never closed`);
      chars.push(...(SHORTHANDS.get(next) ?? next));
      i += 1 + next.length;
      continue;
    }
    const after = i + c.length;
    // `-` first or last in the class is a literal dash, as in regular expressions.
    if (expression[after] === '-' && after + 1 < expression.length && expression[after + 1] !== ']') {
      const to = charAt(expression, after + 1);
      chars.push(...range(expression, c, to));
      i = after + 1 + to.length;
      continue;
    }
    chars.push(c);
    i = after;
  }
  if (chars.length === 0) throw invalid(expression, `empty character class at position ${start}`);
  // Duplicates would skew the draw (`[aab]` must still be 1/2 a, 1/2 b); OpenShift dedupes too.
  return { alphabet: [...new Set(chars)], end: i + 1 };
}

function range(expression: string, from: string, to: string): string[] {
  const left = RANGE_ORDER.indexOf(from);
  const right = RANGE_ORDER.indexOf(to);
  if (from.length !== 1 || to.length !== 1 || left === -1 || right === -1) {
    throw invalid(expression, `range "${from}-${to}" must start and end with a letter or digit`);
  }
  if (left > right) throw invalid(expression, `range "${from}-${to}" is out of order`);
  return [...RANGE_ORDER.slice(left, right + 1)];
}
