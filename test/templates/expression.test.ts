import { generateExpression } from '../../src/templates/expression.js';
import { errorOf } from './fixtures.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A `random` that walks the alphabet in order: the output spells out the whole alphabet. */
function counting(): (max: number) => number {
  let next = 0;
  return (max) => next++ % max;
}

describe('generateExpression: shape of generated values (crypto RNG)', () => {
  test.each([
    ['[a-zA-Z0-9]{16}', /^[a-zA-Z0-9]{16}$/],
    ['user[A-Z0-9]{3}', /^user[A-Z0-9]{3}$/],
    ['[\\w]{10}', /^[a-zA-Z0-9_]{10}$/],
    ['admin[a-z]{2}x', /^admin[a-z]{2}x$/],
    ['[\\d]{8}', /^[0-9]{8}$/],
    ['[\\a]{12}', /^[a-zA-Z]{12}$/],
    ['[\\A]{20}', /^[!-/:-@[-`{-~]{20}$/],
    ['[\\w\\A]{30}', /^[!-~]{30}$/],
    ['[abc]{10}', /^[abc]{10}$/],
    ['0x[A-F0-9]{4}', /^0x[A-F0-9]{4}$/],
    ['[0-1]{8}', /^[01]{8}$/],
    ['[a-Z]{6}', /^[a-zA-Z]{6}$/],
    ['[a-f]', /^[a-f]$/],
    ['\\d{4}-\\d{2}', /^[0-9]{4}-[0-9]{2}$/],
    ['[-a]{5}', /^[-a]{5}$/],
    ['[a-z]{1024}', /^[a-z]{1024}$/],
  ])('%s', (expression, shape) => {
    for (let run = 0; run < 20; run++) expect(generateExpression(expression)).toMatch(shape);
  });

  test('two runs give different values', () => {
    expect(generateExpression('[a-zA-Z0-9]{32}')).not.toBe(generateExpression('[a-zA-Z0-9]{32}'));
  });
});

describe('generateExpression: every character of each class is reachable, and nothing else', () => {
  test.each([
    ['[a-z]{26}', 'abcdefghijklmnopqrstuvwxyz'],
    ['[0-9]{10}', DIGITS],
    ['[a-zA-Z0-9]{62}', LETTERS + DIGITS],
    ['[\\w]{63}', `${LETTERS}${DIGITS}_`],
    ['[\\d]{10}', DIGITS],
    ['[\\a]{52}', LETTERS],
    ['[\\A]{32}', SYMBOLS],
    ['[A-9]{36}', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'],
    // Duplicates are dropped, so each distinct character is equally likely.
    ['[aab]{4}', 'abab'],
    ['[\\d0-3]{12}', '012345678901'],
    ['[\\]\\\\]{2}', ']\\'],
  ])('%s', (expression, expected) => {
    expect(generateExpression(expression, counting())).toBe(expected);
  });
});

describe('generateExpression: literal text and determinism', () => {
  test.each([
    ['no generator at all', 'plain-text_value.1', 'plain-text_value.1'],
    ['prefix and suffix kept', 'admin[a-z]{2}x', 'adminaax'],
    ['repetition after a literal', 'x{3}-', 'xxx-'],
    ['escaped brackets are literal', '\\[id\\]{2}', '[id]]'],
    ['a closing bracket alone is literal', 'a]b', 'a]b'],
    ['non-ASCII literal repeated whole', 'é{2}😀{2}', 'éé😀😀'],
    ['several generators', 'admin[0-9]{2}test[A-Z]{2}', 'admin00testAA'],
  ])('%s', (_name, expression, expected) => {
    expect(generateExpression(expression, () => 0)).toBe(expected);
  });

  test('random is asked once per generated character, with the alphabet size', () => {
    const calls: number[] = [];
    const value = generateExpression('id-[a-f]{3}[\\d]{2}', (max) => {
      calls.push(max);
      return max - 1;
    });
    expect(value).toBe('id-fff99');
    expect(calls).toEqual([6, 6, 6, 10, 10]);
  });

  test('a random source returning out of range is a bug, not a silent "undefined"', () => {
    expect(() => generateExpression('[a-z]{2}', () => 26)).toThrow(RangeError);
  });
});

describe('generateExpression: malformed expressions', () => {
  test.each([
    ['unclosed class', '[a-z', /never closed/],
    ['unclosed class after escape', 'abc[\\', /never closed/],
    ['reversed range', '[z-a]{3}', /"z-a" is out of order/],
    ['reversed digits', '[9-0]{3}', /out of order/],
    ['range across the letter order', '[A-z]{3}', /out of order/],
    ['range of symbols', '[!-/]{2}', /letter or digit/],
    ['range ending in a shorthand', '[a-\\d]{2}', /letter or digit/],
    ['zero repetition', '[a-z]{0}', /between 1 and 1024/],
    ['too long', '[a-z]{1025}', /between 1 and 1024/],
    ['empty repetition', '[a-z]{}', /not a number/],
    ['non-numeric repetition', '[a-z]{x}', /not a number/],
    ['negative repetition', '[a-z]{-1}', /not a number/],
    ['unclosed repetition', '[a-z]{3', /never closed/],
    ['repetition with nothing before it', '{3}abc', /nothing to repeat/],
    ['repetition twice', '[a-z]{2}{3}', /nothing to repeat/],
    ['empty class', '[]{3}', /empty character class/],
    ['trailing backslash', 'abc\\', /lone "\\"/],
  ])('%s: %s', (_name, expression, problem) => {
    const error = errorOf(() => generateExpression(expression, () => 0));
    expect(error.code).toBe('TEMPLATE_EXPRESSION_INVALID');
    expect(error.message).toContain(`"${expression}"`);
    expect(error.message).toMatch(problem);
    expect(error.details).toMatchObject({ expression });
  });
});
