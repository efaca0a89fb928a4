import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

// Build args become `--build-arg NAME=value`: names as docker and a shell take them, sizes bounded.
// Each bad one is a 400 naming buildArgs, on create and on PATCH, and nothing stored changes.
let t: TestApi;
const REPO = 'git://127.0.0.1:9419/args.git';

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'args', repo: REPO, branch: 'main', buildArgs: { KEEP: 'me' } });
});
afterAll(() => t.close());

const many = (count: number, prefix = 'A') => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));

const BAD: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a dash in a name', { 'bad-key': 'v' }, /body\/buildArgs must match pattern/],
  ['a name starting with a digit', { '1ST': 'v' }, /body\/buildArgs must match pattern/],
  ['a space in a name', { 'A B': 'v' }, /body\/buildArgs must match pattern/],
  ['an `=` in a name', { 'A=B': 'v' }, /body\/buildArgs must match pattern/],
  ['a newline in a name', { 'A\nRUN curl x': 'v' }, /body\/buildArgs must match pattern/],
  ['a `$` in a name', { $HOME: 'v' }, /body\/buildArgs must match pattern/],
  ['an empty name', { '': 'v' }, /body\/buildArgs must match pattern/],
  ['a name of 129 characters', { ['N'.repeat(129)]: 'v' }, /body\/buildArgs must NOT have more than 128 characters/],
  ['a value of 4097 characters', { BIG: 'v'.repeat(4097) }, /body\/buildArgs\/BIG must NOT have more than 4096 characters/],
  ['101 args', many(101), /body\/buildArgs must NOT have more than 100 properties/],
];

describe('POST /apps', () => {
  test.each(BAD)('%s: 400, no app', async (_name, buildArgs, message) => {
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'bad-args', repo: REPO, buildArgs } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect(await t.services.apps.find('bad-args')).toBeUndefined();
  });

  test('at the limits: 100 args, a 128-character name, a 4096-character value', async () => {
    const buildArgs = { ...many(98), ['N'.repeat(128)]: 'v', _BIG: 'v'.repeat(4096) };
    const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'full-args', repo: REPO, buildArgs } });
    expect(res.statusCode).toBe(201);
    expect((await t.services.apps.get('full-args')).buildArgs).toEqual(buildArgs);
  });
});

describe('PATCH /apps/:app/build-config', () => {
  const patch = (buildArgs: Record<string, unknown>) => t.api.inject({ method: 'PATCH', url: '/apps/args/build-config', headers: auth, payload: { buildArgs } });

  test.each([...BAD, ['a bad name even to remove it', { 'bad-key': null }, /body\/buildArgs must match pattern/] as [string, Record<string, unknown>, RegExp]])(
    '%s: 400, the app unchanged',
    async (_name, buildArgs, message) => {
      const before = await t.services.apps.get('args');
      const res = await patch(buildArgs);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
      expect(await t.services.apps.get('args')).toEqual(before);
    },
  );

  test('a merge that would make more than 100 args: 400 naming buildArgs, the app unchanged', async () => {
    expect((await patch(many(99, 'B'))).statusCode).toBe(200); // KEEP + 99 = 100
    const before = await t.services.apps.get('args');
    expect(Object.keys(before.buildArgs)).toHaveLength(100);
    const res = await patch({ ONE_MORE: 'v' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'buildArgs would hold 101 args; at most 100 are allowed', details: { field: 'buildArgs' } });
    expect(await t.services.apps.get('args')).toEqual(before);
    // Replacing one (a null removes it) keeps the count, so it passes.
    expect((await patch({ B0: null, ONE_MORE: 'v' })).statusCode).toBe(200);
  });
});
