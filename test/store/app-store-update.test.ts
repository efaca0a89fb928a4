import { openServices, type Services } from '../../src/services/services.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { App } from '../../src/store/types.js';
import { testConfig } from '../helpers/config.js';

// AppStore.update on real Redis: a compare-and-set, so a change decided on what was read never
// overwrites a write that landed in between (an automatic rollback reverting the config must
// not undo a config change the user made while it ran).
let s: Services;
beforeAll(() => {
  s = openServices(testConfig());
});
afterAll(async () => {
  await s.close();
});

function newApp(name: string): App {
  return { name, repo: 'https://git.example.test/x.git', branch: 'main', contextDir: '', buildArgs: {}, port: 8080, deploy: { ...defaultDeployConfig(name), env: { A: '1' } }, createdAt: new Date().toISOString() };
}

test('writes what the change answers, and leaves the record when it answers nothing', async () => {
  await s.apps.create(newApp('cas-a'), 'secret');
  const written = await s.apps.update('cas-a', (app) => ({ ...app, deploy: { ...app.deploy, env: { B: '2' } } }));
  expect(written.deploy.env).toEqual({ B: '2' });
  expect((await s.apps.get('cas-a')).deploy.env).toEqual({ B: '2' });
  const left = await s.apps.update('cas-a', () => undefined);
  expect(left.deploy.env).toEqual({ B: '2' });
});

test('a write in between makes the change run again on what was written, never over it', async () => {
  await s.apps.create(newApp('cas-b'), 'secret');
  const seen: Array<Record<string, string>> = [];
  const result = await s.apps.update('cas-b', (app) => {
    seen.push(app.deploy.env);
    // The first time, someone else saves a config change between this read and the write (sent
    // on the same connection before the write, so Redis runs it first).
    if (seen.length === 1) void s.redis.set(s.keys.app('cas-b'), JSON.stringify({ ...app, deploy: { ...app.deploy, env: { USER: 'newer' } } }));
    return app.deploy.env.A ? { ...app, deploy: { ...app.deploy, env: { A: 'reverted' } } } : undefined;
  });
  expect(seen).toEqual([{ A: '1' }, { USER: 'newer' }]);
  expect(result.deploy.env).toEqual({ USER: 'newer' });
  expect((await s.apps.get('cas-b')).deploy.env).toEqual({ USER: 'newer' });
});

test('an app that does not exist is APP_NOT_FOUND', async () => {
  await expect(s.apps.update('cas-missing', (app) => app)).rejects.toMatchObject({ code: 'APP_NOT_FOUND' });
});
