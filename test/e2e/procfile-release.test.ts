import { randomUUID } from 'node:crypto';
import { BatchV1Api } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import type { Build, Release } from '../../src/store/types.js';
import { deleteNamespace } from '../helpers/cluster.js';
import { deployHarness, type DeployHarness } from '../helpers/deploy-harness.js';
import { publishTree, type PublishedRepo } from '../helpers/git-fixture.js';
import { pipeline } from '../helpers/pipeline.js';
import { waitFor } from '../helpers/wait.js';

// A Procfile `release:` line (Heroku's release phase) through the whole path: a real build of
// the Sinatra fixture with a Procfile records the command on the build, the build's release
// runs it as the pre hook Job (on kwok: Job pods without annotations complete), config changes
// and rollbacks run it again, and an app's own deploy.hooks.pre replaces it.
const RELEASE = 'ruby -e "puts :migrated"';
const PROCFILE = `web: bundle exec rackup --host 0.0.0.0 --port $PORT config.ru\nrelease: ${RELEASE}\n`;

let h: DeployHarness;
let worker: Worker;
let repo: PublishedRepo;
const p = pipeline(() => h.t);
let app: string;
let build: Build;
let first: Release;

beforeAll(async () => {
  h = await deployHarness('prl');
  worker = createBuildWorker({ services: h.t.services, logger: createLogger({ name: 'prl-build-worker', level: 'warn' }) });
  void worker.run();
  repo = await publishTree({ name: 'ruby-release', fixture: 'ruby-sinatra', files: { Procfile: PROCFILE } });
  app = `prl-${randomUUID().slice(0, 8)}`;
  const { secret } = await h.t.createApp({ name: app, repo: repo.url, branch: repo.branch, deploy: { autoDeploy: true, readinessDeadlineSeconds: 30 } });
  build = await p.build({ name: app, secret, repo });
  await p.expectPushed(build);
  const number = await waitFor({
    timeoutMs: 60_000,
    intervalMs: 250,
    check: async () => (await h.t.services.releases.list(app)).find((r) => r.trigger.buildId === build.id)?.number,
    message: () => `no release of build ${build.id}`,
  });
  first = await h.settled(app, number);
}, 900_000);

afterAll(async () => {
  await worker.close();
  await h.close();
  await deleteNamespace(h.kc, app);
  await p.cleanup();
  await repo.cleanup();
});

async function hookJob(release: Release) {
  return h.kc.makeApiClient(BatchV1Api).readNamespacedJob({ namespace: release.config.namespace, name: release.hooks!.pre!.job });
}

test('the build records the Procfile release: command and says what it will do', () => {
  expect(build.releaseCommand).toBe(RELEASE);
  expect(build.strategy!.reasons).toContain(`release: ${RELEASE} (Procfile release:), the pre-deploy hook unless the app has one`);
});

test('the command runs in the built image as the hook pod would: an arbitrary uid with group 0', async () => {
  const docker = h.t.services.docker;
  const container = await docker.createContainer({
    Image: first.image,
    User: '1000780000:0',
    Cmd: ['/bin/sh', '-c', RELEASE],
    HostConfig: { NetworkMode: h.t.config.buildNetwork },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true })).toString();
    expect({ StatusCode, said: logs.includes('migrated') }).toEqual({ StatusCode: 0, said: true });
  } finally {
    await container.remove({ force: true });
  }
});

test("the build's release runs it as its pre hook, from its own image, before it becomes current", async () => {
  expect(first.status).toBe('current');
  expect(first.releaseCommand).toBe(RELEASE);
  expect(first.preHook).toEqual({ source: 'procfile', command: ['/bin/sh', '-c', RELEASE], reason: `the image's Procfile release: "${RELEASE}" (the app has no deploy.hooks.pre)` });
  expect(first.hooks!.pre).toMatchObject({ phase: 'pre', state: 'succeeded', job: `${app}-pre-${first.number}` });
  expect(first.config.hooks).toBeUndefined(); // the app's settings are untouched
  const job = await hookJob(first);
  expect(job.spec!.template.spec!.containers[0]).toMatchObject({ image: first.image, command: ['/bin/sh', '-c', RELEASE] });
  expect(job.spec!.activeDeadlineSeconds).toBe(300);
});

test('a config change runs the same image, so its release phase runs again', async () => {
  const res = await h.api<{ release: Release | null }>('PATCH', `/apps/${app}/env`, { set: { GREETING: 'hi' } });
  expect(res.status).toBe(200);
  const changed = await h.settled(app, res.body.release!.number);
  expect(changed.status).toBe('current');
  expect(changed.image).toBe(first.image);
  expect(changed.preHook?.source).toBe('procfile');
  expect(changed.hooks!.pre).toMatchObject({ state: 'succeeded', job: `${app}-pre-${changed.number}` });
});

test("the app's own pre hook wins over the Procfile, and the release says so", async () => {
  const hooks = { pre: { command: ['sh', '-c', 'echo own hook'], timeoutSeconds: 60 } };
  expect((await h.api('PUT', `/apps/${app}/hooks`, { hooks })).status).toBe(200);
  const own = await h.settled(app, await h.release(app, { buildId: build.id }));
  expect(own.status).toBe('current');
  expect(own.preHook).toEqual({ source: 'deploy-config', command: ['sh', '-c', 'echo own hook'], reason: `the app's deploy.hooks.pre; the image's Procfile release: "${RELEASE}" does not run` });
  expect((await hookJob(own)).spec!.template.spec!.containers[0]!.command).toEqual(['sh', '-c', 'echo own hook']);
});

test("a rollback to the build's first release runs that release's Procfile command again", async () => {
  const res = await h.api<Release>('POST', `/apps/${app}/rollback`, { to: first.number });
  expect(res.status).toBe(202);
  const back = await h.settled(app, res.body.number);
  expect(back.status).toBe('current');
  expect(back.preHook?.source).toBe('procfile');
  expect((await hookJob(back)).spec!.template.spec!.containers[0]!.command).toEqual(['/bin/sh', '-c', RELEASE]);
});

test('an image deployed by digest alone has no known release phase', async () => {
  const bare = await h.settled(app, await h.release(app, { image: h.digest() }));
  expect(bare.status).toBe('current');
  expect(bare.releaseCommand).toBeUndefined();
  expect(bare.preHook).toBeUndefined();
  expect(bare.hooks?.pre).toBeUndefined();
});
