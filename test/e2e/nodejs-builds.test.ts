import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { serveCheck } from '../helpers/containers.js';
import { pipeline } from '../helpers/pipeline.js';

// The nodejs builder on what public repos hold, through Slipway's real build path (git daemon →
// signed push → build worker → local stand-in images → registry), each image then run as an
// arbitrary uid with group 0 (OpenShift's restricted SCC) on the isolated build network.
let t: TestApi;
let worker: Worker;
const p = pipeline(() => t);
const ARBITRARY = '1000780000:0';

beforeAll(async () => {
  t = await startTestApi();
  worker = createBuildWorker({ services: t.services, logger: createLogger({ name: 'nodejs-builds-worker', level: 'warn' }) });
  void worker.run();
});

afterAll(async () => {
  await worker?.close();
  await t?.close();
  await p.cleanup();
});

async function built(fixture: string) {
  const app = await p.newApp(fixture);
  const build = await p.build(app);
  const log = await p.log(build.id);
  if (build.state !== 'succeeded') throw new Error(`${fixture}: build ${build.state}: ${JSON.stringify(build.failure, null, 2)}\n${log}`);
  return { build, log, image: await p.expectPushed(build) };
}

test('a package-lock.json out of sync with package.json: npm install with a warning line, and the app serves as an arbitrary uid', async () => {
  const { build, log, image } = await built('node-stale-lock');
  expect(build.strategy!.name).toBe('nodejs');
  expect(build.strategy!.reasons).toContain('install: npm install, not npm ci: package-lock.json is out of sync with package.json (it lacks or locks another version of depd)');
  // The warning, as the RUN step printed it (and not npm ci's refusal: it never ran).
  expect(log).toContain("slipway: package-lock.json is out of sync with package.json; running npm install instead (OpenShift's S2I does the same)");
  expect(log).not.toMatch(/EUSAGE/);

  const served = await serveCheck({ docker: t.services.docker, image, user: ARBITRARY });
  expect(served.status).toBe(200);
  expect(JSON.parse(served.body)).toMatchObject({ app: 'node-stale-lock', greeting: 'hello', user: 1000780000 });
  expect([served.uid, served.gid]).toEqual(['1000780000', '0']);
  // node itself is PID 1 (the start line `exec`s it), so SIGTERM reaches the app.
  expect(served.pid1).toBe('node server.js');

  // NPM_RUN in the deploy's environment picks another script (OpenShift's `npm run $NPM_RUN`);
  // a plain one (`GREETING=HELLO node server.js`) runs without npm, so node is PID 1 again.
  const other = await serveCheck({ docker: t.services.docker, image, user: ARBITRARY, env: { NPM_RUN: 'start:shout' } });
  expect(JSON.parse(other.body)).toMatchObject({ app: 'node-stale-lock', greeting: 'HELLO' });
  expect(other.pid1).toBe('node server.js');
}, 900_000);

test('a yarn 1 app: frozen install from yarn.lock, its build script, dev dependencies pruned, serves as an arbitrary uid', async () => {
  const { build, log, image } = await built('node-yarn');
  expect(build.strategy!.reasons).toEqual(
    expect.arrayContaining(['package manager: yarn@1.22.22 (yarn.lock found)', 'install: yarn install --frozen-lockfile (yarn.lock found)', 'build: yarn run build (scripts.build)', 'start: node server.js (scripts.start)']),
  );
  expect(log).not.toContain('out of sync');

  const served = await serveCheck({ docker: t.services.docker, image, user: ARBITRARY });
  expect(JSON.parse(served.body)).toEqual({ app: 'node-yarn', built: 'built with yarn', devDependencyPresent: false, uptime: '1s' });
  expect([served.uid, served.gid]).toEqual(['1000780000', '0']);
  expect(served.pid1).toBe('node server.js');
}, 900_000);

// Seen in the corpus (heroku/buildpacks-nodejs's pnpm-10-workspace): the server package's
// dependencies were never installed, since only the root manifest reached the install.
test("a pnpm workspace: every package's manifest reaches the install, so a package's registry and workspace dependencies resolve", async () => {
  const { build, image } = await built('node-pnpm-workspace');
  expect(build.strategy!.reasons).toEqual(
    expect.arrayContaining(['install: workspace manifests first (pnpm-workspace.yaml): packages/greeting, packages/server', 'start: node packages/server/index.js (scripts.start)']),
  );
  const served = await serveCheck({ docker: t.services.docker, image, user: ARBITRARY });
  expect(served.status).toBe(200);
  expect(served.body).toMatch(/^hello from node-pnpm-workspace, up \d+m?s\n$/);
  expect([served.uid, served.gid]).toEqual(['1000780000', '0']);
}, 900_000);
