import { logLines } from '../../src/builds/log-lines.js';
import { createMasker } from '../../src/builds/log-masker.js';
import { imageTags } from '../../src/builds/run-build.js';
import { splitTag } from '../../src/builds/docker-build.js';
import { LINE_TRUNCATED, truncateLine } from '../../src/store/build-log.js';

describe('createMasker', () => {
  const mask = createMasker(['s3cr3t-pass', undefined, 'abc', 'token-123456']);
  test.each([
    ['plain secret', 'login with s3cr3t-pass ok', 'login with **** ok'],
    ['twice in a line', 'token-123456/token-123456', '****/****'],
    ['base64 form', `auth ${Buffer.from('s3cr3t-pass').toString('base64')}`, 'auth ****'],
    ['short values are not secrets', 'abc stays', 'abc stays'],
    ['nothing to mask', 'Step 1/4 : FROM x', 'Step 1/4 : FROM x'],
  ])('%s', (_name, line, expected) => expect(mask(line)).toBe(expected));

  test('knows its longest needle (what a line cut must wait for)', () => {
    expect(mask.longest).toBe(Buffer.from('token-123456').toString('base64').length);
    expect(createMasker([]).longest).toBe(0);
  });
});

/** Feeds `pieces` to a logLines and returns the lines it sends. */
function linesOf(params: { secrets: string[]; pieces: string[]; lineLimit?: number }): string[] {
  const out: string[] = [];
  const sink = logLines({ mask: createMasker(params.secrets), lineLimit: params.lineLimit ?? 8192, onLine: (l) => out.push(l) });
  for (const piece of params.pieces) sink.write(piece);
  sink.end();
  return out;
}

// Docker hands a build's output over in chunks cut wherever its buffers end: a secret may be
// split between two of them, at any position. Every position of every form is tried.
describe('logLines: a secret split across two chunks is masked', () => {
  const secret = 'npm_9f8e7d6c5b4a';
  const base64 = Buffer.from(secret).toString('base64');
  const cases = [
    { form: 'plain', text: `RUN echo token=${secret} done\n` },
    { form: 'base64', text: `auth: ${base64}\n` },
    { form: 'at the start of a line', text: `${secret} leads\n` },
    { form: 'at the end of a line', text: `ends with ${secret}\n` },
    { form: 'twice', text: `${secret}${secret}\n` },
  ].flatMap(({ form, text }) => Array.from({ length: text.length - 1 }, (_, i) => [form, i + 1, text] as const));

  test.each(cases)('%s, cut at %i', (_form, at, text) => {
    const lines = linesOf({ secrets: [secret], pieces: [text.slice(0, at), text.slice(at)] });
    expect(lines).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(secret);
    expect(lines.join('\n')).not.toContain(base64);
    expect(lines[0]).toContain('****');
  });

  test('cut into single characters', () => {
    const text = `a ${secret} b\nnext ${base64}\n`;
    expect(linesOf({ secrets: [secret], pieces: [...text] })).toEqual(['a **** b', 'next ****']);
  });
});

describe('logLines: lines', () => {
  test.each([
    ['one chunk, two lines', ['a\nb\n'], ['a', 'b']],
    ['a line in three chunks', ['ab', 'c', 'd\n'], ['abcd']],
    ['the last line without a newline comes at the end', ['a\nb'], ['a', 'b']],
    ['empty lines are kept (the caller decides)', ['\n\na\n'], ['', '', 'a']],
    ['nothing at all', [], []],
  ])('%s', (_name, pieces, expected) => expect(linesOf({ secrets: [], pieces })).toEqual(expected));

  test('an endless line is cut at the limit, marked, and the rest of it dropped up to its newline', () => {
    const lines = linesOf({ secrets: [], lineLimit: 300, pieces: [...Array.from({ length: 1000 }, () => 'x'.repeat(100)), 'tail of it\nnext line\n'] });
    expect(lines).toEqual(['x'.repeat(300 - LINE_TRUNCATED.length) + LINE_TRUNCATED, 'next line']);
  });

  test('an endless line without any newline is sent cut while it is still coming, not kept', () => {
    const out: string[] = [];
    const sink = logLines({ mask: createMasker([]), lineLimit: 300, onLine: (l) => out.push(l) });
    for (let i = 0; i < 20_000; i++) sink.write('y'.repeat(1000));
    // 20 MB went in, no newline, no end: the capped line is already out, the rest was dropped as it came.
    expect(out).toEqual(['y'.repeat(300 - LINE_TRUNCATED.length) + LINE_TRUNCATED]);
    sink.end();
    expect(out).toHaveLength(1);
  });

  test('a secret that straddles the cut is masked before the line is cut', () => {
    const secret = 'SECRETVALUE-0123456789';
    for (let at = 250; at < 300; at++) {
      const text = `${'x'.repeat(at)}${secret}${'z'.repeat(400)}\n`;
      const lines = linesOf({ secrets: [secret], lineLimit: 300, pieces: [...text.match(/.{1,7}/gs)!] });
      expect(lines).toHaveLength(1);
      // Filler, the mask, filler, the mark: not one character of the secret.
      expect(lines[0]!.endsWith(LINE_TRUNCATED)).toBe(true);
      expect(lines[0]!.slice(0, -LINE_TRUNCATED.length)).toMatch(/^x*(\*{1,4}z*)?$/);
    }
  });
});

describe('truncateLine', () => {
  test.each([
    ['short lines stay', 'hello', 300, 'hello'],
    ['a line at the limit stays', 'a'.repeat(300), 300, 'a'.repeat(300)],
    ['a longer one is cut to the limit, mark included', 'a'.repeat(301), 300, 'a'.repeat(300 - LINE_TRUNCATED.length) + LINE_TRUNCATED],
    // 'é' is two bytes: the cut never leaves half of one.
    ['never inside a character', 'é'.repeat(200), 300, 'é'.repeat(Math.floor((300 - LINE_TRUNCATED.length) / 2)) + LINE_TRUNCATED],
  ])('%s', (_name, line, limit, expected) => {
    const out = truncateLine(line, limit);
    expect(out).toBe(expected);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(limit);
    expect(out).not.toContain('\uFFFD');
  });
});

describe('image naming', () => {
  test('tags: short sha and build number', () => {
    expect(imageTags({ registry: '127.0.0.1:5000', app: 'shop', sha: '0123456789abcdef0123456789abcdef01234567', number: 7 })).toEqual({
      repository: '127.0.0.1:5000/shop',
      tags: ['127.0.0.1:5000/shop:0123456', '127.0.0.1:5000/shop:build-7'],
    });
  });
  test.each([
    ['127.0.0.1:5000/shop:build-1', ['127.0.0.1:5000/shop', 'build-1']],
    ['127.0.0.1:5000/shop', ['127.0.0.1:5000/shop', 'latest']],
    ['shop:v1', ['shop', 'v1']],
  ])('splitTag %s', (ref, expected) => expect(splitTag(ref)).toEqual(expected));
});
