import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { serveCheck } from '../helpers/containers.js';
import { pipeline } from '../helpers/pipeline.js';

// Traits of real repos, each on a fixture of its own, through the real build worker (git daemon →
// signed push → detect, plan, build FROM the local stand-ins, push): a multi-module Maven project,
// a Go module in a subfolder with two commands, plain PHP and its DOCUMENT_ROOT, a Vite SPA with
// client-side routes; and the two that cannot build here, failing with a named reason: a Gradle
// wrapper whose distribution cannot be downloaded, a composer dependency that cannot be downloaded.
// Each image runs as OpenShift runs it, an arbitrary uid with group 0, on the isolated build network.
const ARBITRARY_USER = '1000780000:0';

let t: TestApi;
let worker: Worker;
const p = pipeline(() => t);
const repos: PublishedRepo[] = [];
const builds = new Map<string, Promise<Build>>();

interface Case {
  fixture: string;
  contextDir?: string;
}
const CASES: Case[] = [
  { fixture: 'java-multi-module' },
  { fixture: 'java-gradle' },
  { fixture: 'go-monorepo', contextDir: 'services/shop' },
  { fixture: 'php-plain' },
  { fixture: 'php-packagist' },
  { fixture: 'ruby-rubygems' },
  { fixture: 'static-spa' },
];

beforeAll(async () => {
  t = await startTestApi();
  worker = createBuildWorker({ services: t.services, logger: createLogger({ name: 'more-builds-worker', level: 'warn' }) });
  void worker.run();
  // Every build queued up front; the worker runs them two at a time (the machine has two cores).
  for (const { fixture, contextDir } of CASES) {
    const repo = await publishFixture(fixture);
    repos.push(repo);
    const name = `${fixture}-${randomUUID().slice(0, 6)}`;
    const { secret } = await t.createApp({ name, repo: repo.url, branch: repo.branch, deploy: { autoDeploy: false }, ...(contextDir ? { contextDir } : {}) });
    const pushed = await p.push({ name, secret, repo });
    if (pushed.status !== 202) throw new Error(`push of ${name} answered ${pushed.status}: ${JSON.stringify(pushed.body)}`);
    builds.set(fixture, p.until(pushed.body.buildId!, ['succeeded', 'failed', 'cancelled'], 1_200_000));
  }
});

afterAll(async () => {
  await worker.close();
  await t.close();
  await p.cleanup();
  for (const repo of repos) await repo.cleanup();
});

async function succeeded(fixture: string): Promise<Build & { image: NonNullable<Build['image']> }> {
  const build = await builds.get(fixture)!;
  if (build.state !== 'succeeded') throw new Error(`${fixture}: build ${build.state}: ${JSON.stringify(build.failure, null, 2)}`);
  await p.expectPushed(build);
  return build as Build & { image: NonNullable<Build['image']> };
}

/** GETs each path of `image` run as an arbitrary uid with group 0 on the build network (serveCheck, one container a path). */
async function serve(params: { image: string; paths: string[]; env?: Record<string, string> }): Promise<Array<{ status: number; body: string }>> {
  const answers = [];
  for (const path of params.paths) {
    const served = await serveCheck({ docker: t.services.docker, image: params.image, user: ARBITRARY_USER, path, ...(params.env ? { env: params.env } : {}) });
    expect({ uid: served.uid, gid: served.gid }).toEqual({ uid: '1000780000', gid: '0' });
    answers.push({ status: served.status, body: served.body });
  }
  return answers;
}

const imageOf = (build: Build) => `${build.image!.repository}@${build.image!.digest}`;

test('a multi-module Maven project is built from the root and runs its one runnable module', async () => {
  const build = await succeeded('java-multi-module');
  expect(build.strategy!.reasons).toEqual(
    expect.arrayContaining([
      'install: mvn dependency:go-offline with the poms of the project and its modules (core, web)',
      'build: mvn package -DskipTests from the root, the runnable jar from web/target/ (module web is the only runnable one: main-class)',
    ]),
  );
  expect(await serve({ image: imageOf(build), paths: ['/'] })).toEqual([{ status: 200, body: 'hello from java-multi-module\n' }]);
}, 1_200_000);

test('a Gradle wrapper whose distribution host cannot be reached fails at once naming the URL, not with a stack trace', async () => {
  const build = await builds.get('java-gradle')!;
  expect(build.state).toBe('failed');
  expect(build.failure).toMatchObject({
    step: 'building',
    code: 'BUILD_TOOL_UNAVAILABLE',
    reason:
      'gradlew needs the Gradle distribution http://127.0.0.1:9/distributions/gradle-8.5-bin.zip (distributionUrl in gradle/wrapper/gradle-wrapper.properties), and the build has no connection to 127.0.0.1:9 within 20 s: make it reachable from the build network, or point distributionUrl at a mirror that is',
  });
  expect(build.failure!.reason).not.toMatch(/Exception|\bat [\w.]+\(/);
  // The probe answered before the wrapper ever ran (its retries take minutes).
  expect(await p.log(build.id)).not.toContain('Downloading http://127.0.0.1:9/');
}, 1_200_000);

test('a Go module in a subfolder with two commands builds the one named like the module', async () => {
  const build = await succeeded('go-monorepo');
  expect(build.strategy!.reasons).toContain('build: go build ./cmd/shop (cmd/shop is named like module example.test/shop), CGO_ENABLED=0');
  expect(await serve({ image: imageOf(build), paths: ['/'] })).toEqual([{ status: 200, body: 'hello from go-monorepo/shop\n' }]);
}, 1_200_000);

test('plain PHP without composer.json is served as it is; DOCUMENT_ROOT in the env moves the root at start', async () => {
  const build = await succeeded('php-plain');
  expect(build.strategy!.reasons).toEqual(expect.arrayContaining(['install: nothing (no composer.json)']));
  expect(await serve({ image: imageOf(build), paths: ['/'] })).toEqual([{ status: 200, body: 'hello from php-plain\n' }]);
  expect(await serve({ image: imageOf(build), paths: ['/'], env: { DOCUMENT_ROOT: '/web' } })).toEqual([{ status: 200, body: 'hello from php-plain/web\n' }]);
}, 1_200_000);

test('a composer dependency that cannot be downloaded fails naming the package', async () => {
  const build = await builds.get('php-packagist')!;
  expect(build.state).toBe('failed');
  expect(build.failure).toMatchObject({ step: 'building', code: 'BUILD_DEPENDENCY_UNAVAILABLE', reason: expect.stringContaining('composer install could not download monolog/monolog from Packagist') });
}, 1_200_000);

test('a gem RubyGems would serve but the build cannot reach: failed, naming the gem and RubyGems', async () => {
  const build = await builds.get('ruby-rubygems')!;
  expect(build.state).toBe('failed');
  expect(build.failure).toMatchObject({ step: 'building', code: 'BUILD_DEPENDENCY_UNAVAILABLE', reason: expect.stringContaining('bundle install could not get roda from RubyGems (rubygems.org)') });
}, 1_200_000);

test('a Vite SPA is built and its client-side routes are answered with its index.html', async () => {
  const build = await succeeded('static-spa');
  expect(build.strategy!.reasons).toEqual(
    expect.arrayContaining(['build: npm run build (package.json: a build script with vite and no server), serving the first of dist/ with an index.html', 'start: nginx on $PORT, unknown paths answered with /index.html']),
  );
  const [root, route] = await serve({ image: imageOf(build), paths: ['/', '/orders/42'] });
  expect(root!.status).toBe(200);
  expect(root!.body).toContain('<div id="app">hello from static-spa</div>');
  expect(route).toEqual(root);
}, 1_200_000);
