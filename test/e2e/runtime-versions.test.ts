import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { pipeline } from '../helpers/pipeline.js';

// Runtime versions through Slipway's real build path (git daemon → signed push → build worker
// → local stand-in images → registry): a repo's pin and a version pinned on the app choose the
// images, and the built image really carries that version, asked by running it on the build
// network. A Go module newer than the builder image fetches its toolchain from the Go module proxy.
let t: TestApi;
let worker: Worker;
const p = pipeline(() => t);

beforeAll(async () => {
  t = await startTestApi();
  worker = createBuildWorker({ services: t.services, logger: createLogger({ name: 'test-worker', level: 'warn' }) });
  void worker.run();
});

afterAll(async () => {
  await worker.close();
  await t.close();
  await p.cleanup();
});

/** A command's output in a fresh container of `image` on the build network (a TTY keeps it unmultiplexed). */
async function outputOf(image: string, cmd: string[]): Promise<string> {
  const container = await t.services.docker.createContainer({ Image: image, Cmd: cmd, Tty: true, HostConfig: { NetworkMode: t.config.buildNetwork } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = (await container.logs({ stdout: true, stderr: true })).toString().trim();
    if (StatusCode !== 0) throw new Error(`${cmd.join(' ')} in ${image} exited ${StatusCode}: ${output}`);
    return output;
  } finally {
    await container.remove({ force: true });
  }
}

async function built(params: { fixture: string; builder?: string }) {
  const { repo, name, secret } = await p.newApp(params.fixture, params.builder ? { builder: params.builder } : {});
  const build = await p.build({ name, secret, repo });
  return { build, image: build.state === 'succeeded' ? await p.expectPushed(build) : undefined };
}

test.each([
  ['node-engines-18', 'engines.node 18.x', undefined, ['node', '--version'], /^v18\./, 'version: node 18 (engines.node in package.json "18.x")'],
  ['node-server', 'builder nodejs:18 pinned on the app', 'nodejs:18', ['node', '--version'], /^v18\./, 'version: node 18 (builder "nodejs:18" pinned on the app)'],
  [
    'go-toolchain',
    'go 1.23.4 in go.mod, the image has 1.22',
    undefined,
    ['/usr/local/bin/app', 'version'],
    /^go1\.23\.4$/,
    'version: go 1.23.4 (go.mod "go 1.23.4"): GOTOOLCHAIN=go1.23.4, fetched from the Go module proxy, on golang:1.22-bookworm',
  ],
])(
  '%s (%s) builds on the version it asks for',
  async (fixture, _pin, builder, cmd, version, reason) => {
    const { build, image } = await built({ fixture, builder });
    expect(build.strategy!.reasons).toContain(reason);
    expect(await outputOf(image!, cmd)).toMatch(version);
  },
  900_000,
);

test('a version the builder does not offer fails the build with BUILD_VERSION_UNAVAILABLE, naming what is offered', async () => {
  // As a BuildConfig's builder ImageStreamTag python:3.8-ubi8 arrives: the app saves, its build says why it cannot build.
  const { build } = await built({ fixture: 'python-flask', builder: 'python:3.8' });
  expect(build.state).toBe('failed');
  expect(build.failure).toMatchObject({
    step: 'building',
    code: 'BUILD_VERSION_UNAVAILABLE',
    reason: 'python 3.8 (from builder "python:3.8" pinned on the app) is not available; available: 3.11',
  });
  expect(await p.log(build.id)).toContain('--> Build failed while building: python 3.8 (from builder "python:3.8" pinned on the app) is not available; available: 3.11');
}, 300_000);
