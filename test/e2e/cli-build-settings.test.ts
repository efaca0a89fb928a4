import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';

// `slipway build-config` and `slipway build-secret` as a user runs them, against a real API.
let t: TestApi;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'web', repo: 'git://127.0.0.1:9419/web.git', branch: 'main' });
  env = await cliEnv(t.api);
});
afterAll(() => t.close());

test('build-config pins a builder, sets args and a test step, and goes back', async () => {
  const set = await slipway(['build-config', 'web', '--builder', 'nodejs', '--build-arg', 'NODE_ENV=production', '--test', 'npm test'], env);
  expect(set).toMatchObject({ code: 0 });
  expect(set.stdout).toContain('builder:     nodejs');
  expect(set.stdout).toContain('build args:  NODE_ENV');
  expect(set.stdout).toContain('test step:   npm test');
  expect(await t.services.apps.get('web')).toMatchObject({ builder: 'nodejs', buildArgs: { NODE_ENV: 'production' }, postCommit: { script: 'npm test' } });

  const back = await slipway(['build-config', 'web', '--detect', '--unset-build-arg', 'NODE_ENV', '--no-test'], env);
  expect(back.stdout).toContain('builder:     detected at each build');
  const app = await t.services.apps.get('web');
  expect(app.builder).toBeUndefined();
  expect(app.postCommit).toBeUndefined();
  expect(app.buildArgs).toEqual({});
});

test('build-config with an unknown builder fails with the list of builders', async () => {
  const res = await slipway(['build-config', 'web', '--builder', 'cobol'], env);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/builder "cobol" does not exist; builders: .*nodejs.* \(VALIDATION_FAILED\)/);
});

test('build-secret values go in and never come out', async () => {
  const set = await slipway(['build-secret', 'set', 'web', 'NPM_TOKEN=npm_abcdef123456'], env);
  expect(set.code).toBe(0);
  const list = await slipway(['build-secret', 'list', 'web'], env);
  for (const out of [set.stdout, list.stdout]) {
    expect(out).toMatch(/^NPM_TOKEN {2}sha256:[0-9a-f]{12}$/m);
    expect(out).not.toContain('npm_abcdef123456');
  }
  expect((await slipway(['build-secret', 'unset', 'web', 'NPM_TOKEN'], env)).stdout).toContain('web has no build secrets');
  const again = await slipway(['build-secret', 'unset', 'web', 'NPM_TOKEN'], env);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('BUILD_SECRET_NOT_FOUND');
});
