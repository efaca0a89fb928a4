import { readFile } from 'node:fs/promises';
import { CORPUS_BUILDERS, parseCorpus, selectEntries, type CorpusEntry } from '../../bench/lib/corpus-entries.js';
import { corpusRow, corpusTable, passRate } from '../../bench/lib/corpus-table.js';
import { telling } from '../../bench/lib/corpus-serve.js';

const list = JSON.parse(await readFile(new URL('repos.json', import.meta.url), 'utf8')) as { entries: Record<string, unknown>[] };

const valid = {
  id: 'nodejs-ex',
  repo: 'sclorg/nodejs-ex',
  ref: '8bb73cd121025b9dfe6ab7e17e8b5eade40f70dc',
  contextDir: '.',
  builder: 'nodejs',
  path: '/',
  status: 200,
  traits: ['npm lockfile v2'],
};

describe('the corpus list (test/corpus/repos.json)', () => {
  const entries = parseCorpus(list);

  test('is valid, pinned and has at least 24 repos across all seven builders', () => {
    expect(entries.length).toBeGreaterThanOrEqual(24);
    expect(new Set(entries.map((e) => e.builder))).toEqual(new Set(CORPUS_BUILDERS));
    for (const e of entries) expect(e.ref).toMatch(/^[0-9a-f]{40}$/);
  });

  test.each([
    ['a yarn lockfile', /yarn/i],
    ['a pnpm lockfile', /pnpm/i],
    ['an old npm lockfile', /lockfile v2/],
    ['a Procfile release: line', /Procfile release:/],
    ['Django with SQLite', /Django with SQLite/],
    ['Django with PostgreSQL', /Django.*PostgreSQL/],
    ['Flask', /Flask/],
    ['FastAPI', /FastAPI/],
    ['Rails', /Rails/],
    ['Sinatra', /Sinatra/],
    ['a multi-module Maven project', /multi-module Maven/],
    ['a Gradle wrapper project', /Gradle wrapper/],
    ['Quarkus', /Quarkus/],
    ['Laravel', /Laravel/],
    ['plain PHP', /plain index\.php/],
    ['Go with cmd/', /cmd\//],
    ['an SPA', /SPA/],
    ['a monorepo context dir', /monorepo context dir/],
  ])('has %s', (_what, trait) => {
    expect(entries.some((e) => e.traits.some((t) => trait.test(t)))).toBe(true);
  });

  test('monorepo entries name a context dir; no two entries are the same app', () => {
    for (const e of entries.filter((x) => x.traits.includes('monorepo context dir'))) expect(e.contextDir).not.toBe('.');
    const keys = entries.map((e) => `${e.repo}@${e.ref}:${e.contextDir}:${e.database ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('parseCorpus', () => {
  test.each([
    ['an unpinned ref', { ref: 'main' }, 'entries[0].ref'],
    ['an unknown builder', { builder: 'perl' }, 'entries[0].builder'],
    ['a context dir out of the repo', { contextDir: '../x' }, 'entries[0].contextDir'],
    ['a path without a slash', { path: 'health' }, 'entries[0].path'],
    ['a status that is not HTTP', { status: 42 }, 'entries[0].status'],
    ['an unknown database', { database: 'oracle' }, 'entries[0].database'],
    ['no traits', { traits: [] }, 'entries[0].traits'],
    ['an unknown field', { dockerfile: 'Dockerfile' }, 'entries[0].dockerfile: unknown field'],
    ['an env value that is not a string', { env: { PORT: 8080 } }, 'entries[0].env'],
  ])('refuses %s', (_what, change, message) => {
    expect(() => parseCorpus({ entries: [{ ...valid, ...change }] })).toThrow(message);
  });

  test('refuses an id used twice, and fills the defaults', () => {
    expect(() => parseCorpus({ entries: [valid, valid] })).toThrow('"nodejs-ex" is used twice');
    expect(parseCorpus({ entries: [valid] })[0]).toMatchObject({ pinBuilder: false, env: {}, startTimeoutSeconds: 60 });
  });

  test('--only keeps the named entries in list order and refuses an unknown id', () => {
    const entries = parseCorpus({ entries: [valid, { ...valid, id: 'b' }, { ...valid, id: 'c' }] });
    expect(selectEntries(entries, 'c,nodejs-ex').map((e) => e.id)).toEqual(['nodejs-ex', 'c']);
    expect(() => selectEntries(entries, 'nope')).toThrow('no corpus entry "nope"');
  });
});

describe('corpus rows', () => {
  const entry = parseCorpus({ entries: [valid] })[0] as CorpusEntry;

  test.each([
    ['the expected status', { status: 200 }, true, ''],
    ['another status', { status: 500 }, false, 'CORPUS_WRONG_STATUS: answered 500, expected 200'],
    ['a failure', { failure: { code: 'BUILD_FAILED', message: 'npm ci: EUSAGE\nmore' } }, false, 'BUILD_FAILED: npm ci: EUSAGE'],
  ])('%s', (_what, outcome, pass, why) => {
    const row = corpusRow(entry, { buildState: 'succeeded', logTail: [], ...outcome });
    expect({ pass: row.pass, why: row.why }).toEqual({ pass, why });
  });

  test('the table names a builder other than the expected one, and the pass rate counts per builder', () => {
    const rows = [
      corpusRow(entry, { builder: 'static', buildState: 'succeeded', buildSeconds: 12, imageBytes: 50 * 1024 * 1024, status: 200, logTail: [] }),
      corpusRow({ ...entry, id: 'py', builder: 'python' }, { buildState: 'failed', failure: { code: 'BUILD_FAILED', message: 'x' }, logTail: [] }),
    ];
    const table = corpusTable(rows).split('\n');
    expect(table[1]).toMatch(/^nodejs-ex\s+sclorg\/nodejs-ex\s+static \(want nodejs\)\s+12 s\s+50 MB\s+200\s+pass$/);
    expect(table[2]).toMatch(/FAIL\s+BUILD_FAILED: x$/);
    expect(passRate(rows)).toMatchObject({ passed: 1, total: 2, line: '1/2 passed (50%)', byBuilder: 'nodejs 1/1, python 0/1' });
  });

  test.each([
    [['Booting', 'ModuleNotFoundError: No module named x', 'exiting'], 'ModuleNotFoundError: No module named x'],
    [['Error: boom', '    at main (x.js:1)'], 'Error: boom'],
    [['ERROR: No matching distribution found for Django==5.2', "The command '/bin/sh -c pip install' returned a non-zero code: 1", '--> Build failed'], 'ERROR: No matching distribution found for Django==5.2'],
    [['\x1b[0m\x1b[91mslipway-failure BUILD_DEPENDENCY_UNAVAILABLE: composer install could not download x', '\x1b[0mRemoving intermediate container 1', 'The command failed'], 'BUILD_DEPENDENCY_UNAVAILABLE: composer install could not download x'],
    [['Step 5/23 : RUN bundle install', '\x1b[91mCould not find rack-2.2.10 in any of the sources', "The command '/bin/sh -c bundle install' returned a non-zero code: 7"], 'Could not find rack-2.2.10 in any of the sources'],
    [['listening'], 'listening'],
    [[], '(no output)'],
  ])('the telling line of %j', (lines, line) => {
    expect(telling(lines)).toBe(line);
  });
});
