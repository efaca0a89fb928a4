import type { Worker } from 'bullmq';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import type { Build } from '../../src/store/types.js';
import { createLogger } from '../../src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { runOnce, serveCheck } from '../helpers/containers.js';
import type { PublishedRepo } from '../helpers/git-fixture.js';
import { pipeline } from '../helpers/pipeline.js';

// A Django app as OpenShift's python S2I samples are (test/fixtures/apps/django-sqlite: SQLite
// in the app's dir, a model and its migration, static files), through Slipway's real build
// path, run as its uid 1001 and as an arbitrary uid with group 0 (OpenShift's restricted SCC)
// on the build network. Its one view writes a row and reads the count back: it answers 200
// only when the migration ran at start and the app's dir is writable by whoever runs it.
let t: TestApi;
let worker: Worker;
const p = pipeline(() => t);
let app: { repo: PublishedRepo; name: string; secret: string };
let build: Build;
let image: string;

beforeAll(async () => {
  t = await startTestApi();
  worker = createBuildWorker({ services: t.services, logger: createLogger({ name: 'test-worker', level: 'warn' }) });
  void worker.run();
  app = await p.newApp('django-sqlite');
  build = await p.build(app);
  if (build.state !== 'succeeded') throw new Error(`django-sqlite: build ${build.state}: ${JSON.stringify(build.failure)}\n${await p.log(build.id)}`);
  image = await p.expectPushed(build);
}, 900_000);

afterAll(async () => {
  await worker?.close();
  await p.cleanup();
  await t?.close();
});

test('the build records the Django decisions: collectstatic at build, migrate at start', () => {
  expect(build.strategy!.name).toBe('python');
  expect(build.strategy!.reasons).toEqual(
    expect.arrayContaining([
      'build: python manage.py collectstatic --noinput (Django; skipped with a warning when its dry run fails, e.g. no STATIC_ROOT)',
      'start: gunicorn mysite.wsgi on 0.0.0.0:$PORT (manage.py settings mysite.settings)',
      'start: python manage.py migrate --noinput first (Django), unless DISABLE_MIGRATE is set',
    ]),
  );
});

test.each([
  ['as its own uid 1001', undefined, '1001'],
  ['as an arbitrary uid with group 0 (OpenShift restricted SCC)', '1000780000:0', '1000780000'],
])('%s: migrated at start, the SQLite db created in the app dir, 200', async (_how, user, uid) => {
  const served = await serveCheck({ docker: t.services.docker, image, user });
  expect({ status: served.status, body: served.body, uid: served.uid, gid: served.gid }).toEqual({ status: 200, body: 'visits: 1\n', uid, gid: '0' });
  expect(served.logs).toContain('---> Migrating database ...');
  expect(served.logs).toContain('Applying notes.0001_initial... OK');
  // The server was exec'ed: gunicorn is PID 1 and gets SIGTERM.
  expect(served.pid1).toMatch(/gunicorn mysite\.wsgi --bind 0\.0\.0\.0:8080/);
}, 120_000);

test('DISABLE_MIGRATE=1 in the deploy env: no migration, so the view fails', async () => {
  const served = await serveCheck({ docker: t.services.docker, image, user: '1000780000:0', env: { DISABLE_MIGRATE: '1' } });
  expect(served.status).toBe(500);
  expect(served.logs).toContain('---> DISABLE_MIGRATE is set: not migrating');
  expect(served.logs).not.toContain('Applying notes.0001_initial');
}, 120_000);

test('APP_FILE in the deploy env: python runs that file, before any migration', async () => {
  const served = await serveCheck({ docker: t.services.docker, image, env: { APP_FILE: 'serve_file.py' } });
  expect({ status: served.status, body: served.body }).toEqual({ status: 200, body: 'hello from APP_FILE\n' });
  expect(served.logs).not.toContain('Migrating database');
  expect(served.pid1).toBe('python serve_file.py');
}, 120_000);

test('static files collected at build; neither .slipway.Dockerfile nor .dockerignore in the image', async () => {
  const { code, output } = await runOnce({ docker: t.services.docker, image, cmd: ['ls', '-A', '/app', '/app/staticfiles/notes'] });
  expect(code).toBe(0);
  const [app, collected] = output.trim().split('\n\n');
  expect(app!.split('\n').slice(1).sort()).toEqual(['manage.py', 'mysite', 'notes', 'requirements.txt', 'serve_file.py', 'staticfiles']);
  expect(collected).toBe('/app/staticfiles/notes:\nhello.txt');
}, 120_000);

test("a collectstatic whose dry run fails (no STATIC_ROOT) is skipped with a warning, as sclorg's assemble", async () => {
  const settings = await readFile(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/apps/django-sqlite/mysite/settings.py'), 'utf8');
  const sha = await app.repo.commit({ 'mysite/settings.py': settings.replace(/^STATIC_ROOT = .*\n/m, '') }, 'no STATIC_ROOT');
  const rebuilt = await p.build({ ...app, sha });
  const log = await p.log(rebuilt.id);
  if (rebuilt.state !== 'succeeded') throw new Error(`build ${rebuilt.state}: ${JSON.stringify(rebuilt.failure)}\n${log}`);
  expect(log).toContain("WARNING: could not run 'manage.py collectstatic' (its dry run failed: is STATIC_ROOT set?), skipped.");
  const served = await serveCheck({ docker: t.services.docker, image: await p.expectPushed(rebuilt), user: '1000780000:0' });
  expect({ status: served.status, body: served.body }).toEqual({ status: 200, body: 'visits: 1\n' });
}, 600_000);
