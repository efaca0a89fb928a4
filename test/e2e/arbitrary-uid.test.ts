import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Worker } from 'bullmq';
import { CoreV1Api, Exec, type V1Pod } from '@kubernetes/client-node';
import type { TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { pipeline } from '../helpers/pipeline.js';
import { readyReleasePods, serviceProxyGet, startRealNodeApi } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';

// Every builder's image under an arbitrary uid, as OpenShift's restricted-v2 SCC runs it: an
// install with SLIPWAY_ARBITRARY_UIDS gives each app namespace a uid range, and the pods run as
// its first uid (never the image's 1001) with group 0. One fixture app per builder is built once,
// released onto the REAL node (test/env/node), and must: run as that uid with gid 0 (read from
// the kernel, /proc/1/status, through a pod exec), keep runAsNonRoot, pass the kubelet's HTTP
// readiness probe, write its own dir and HOME, and answer 2xx through the API server's service proxy.
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const run = randomUUID().slice(0, 5);

interface Case {
  fixture: string;
  builder: string;
  /** The app's answer to GET / (node-server reports the uid it runs as itself). */
  body: (uid: number) => unknown;
}
const CASES: Case[] = [
  { fixture: 'node-server', builder: 'nodejs', body: (uid) => expect.objectContaining({ app: 'node-server', user: uid }) },
  { fixture: 'python-flask', builder: 'python', body: () => 'hello from python-flask\n' },
  { fixture: 'python-django', builder: 'python', body: () => 'hello from python-django\n' },
  { fixture: 'go-server', builder: 'go', body: () => 'hello from go-server\n' },
  { fixture: 'java-maven', builder: 'java', body: () => 'hello from java-maven\n' },
  { fixture: 'ruby-sinatra', builder: 'ruby', body: () => 'hello from ruby-sinatra\n' },
  { fixture: 'php-app', builder: 'php', body: () => 'hello from php-app\n' },
  { fixture: 'static-html', builder: 'static', body: () => '<!doctype html>\n<title>static-html</title>\n<p>hello from static-html</p>\n' },
  { fixture: 'static-node', builder: 'static', body: () => '<!doctype html>\n<title>static-node</title>\n<p>hello from static-node, built</p>\n' },
];

let t: TestApi;
let workers: Worker[] = [];
const p = pipeline(() => t);
const repos: PublishedRepo[] = [];
/** fixture → app (= namespace) name. */
const apps = new Map<string, string>();
const uids: number[] = [];

beforeAll(async () => {
  // Two deploys (and two builds, the default) at a time: the machine has two cores.
  ({ t, workers } = await startRealNodeApi(kc, { name: 'arbitrary-uid-workers', overrides: { SLIPWAY_ARBITRARY_UIDS: 'true', SLIPWAY_DEPLOY_CONCURRENCY: '2' } }));
  // Every app created and pushed up front: each is built once, the builds and rollouts overlap.
  for (const { fixture } of CASES) {
    const repo = await publishFixture(fixture);
    repos.push(repo);
    const name = `uid-${fixture}-${run}`;
    const { secret } = await t.createApp({ name, repo: repo.url, branch: repo.branch, deploy: { autoDeploy: true, readinessPath: '/', readinessDeadlineSeconds: 300 } });
    const pushed = await p.push({ name, secret, repo });
    if (pushed.status !== 202) throw new Error(`push of ${name} answered ${pushed.status}: ${JSON.stringify(pushed.body)}`);
    apps.set(fixture, name);
  }
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.close();
  for (const repo of repos) await repo.cleanup();
  for (const name of apps.values()) {
    for (const build of await t.services.builds.listForApp(name).catch(() => [])) {
      for (const tag of build.image?.tags ?? []) await t.services.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
    await deleteNamespace(kc, name);
  }
  await t?.close();
});

test.each(CASES)('$fixture ($builder): runs as its namespace\'s uid with group 0, is ready, writes its dirs, answers', async ({ fixture, builder, body }) => {
  const app = apps.get(fixture)!;
  const release = await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 1_500_000 });
  if (release.status !== 'current') throw new Error(`${app}: release 1 is ${release.status}: ${JSON.stringify(release.failure, null, 2)}`);
  const build = (await t.services.builds.listForApp(app))[0]!;
  expect(build.strategy?.name).toBe(builder);

  // The namespace's range, assigned once by Slipway: a uid nobody wrote into the image.
  const namespace = await core.readNamespace({ name: app });
  const range = /^(\d+)\/(\d+)$/.exec(namespace.metadata?.annotations?.['slipway.dev/uid-range'] ?? '');
  expect(range).not.toBeNull();
  const uid = Number(range![1]);
  expect(uid).toBeGreaterThanOrEqual(1_000_000_000);
  expect(uids).not.toContain(uid);
  uids.push(uid);

  const [pod] = await readyReleasePods(kc, { namespace: app, app: app, release: release.number });
  expect(pod!.spec!.nodeName).toBe(process.env.SLIPWAY_REAL_NODE);
  expect(pod!.status!.containerStatuses![0]!.containerID).toMatch(/^containerd:\/\//);
  expect(pod!.spec!.containers[0]!.readinessProbe?.httpGet?.path).toBe('/');
  expect(pod!.spec!.securityContext).toMatchObject({ runAsUser: uid, fsGroup: uid, runAsNonRoot: true });
  expect(pod!.spec!.securityContext!.runAsGroup).toBeUndefined();

  // What the kernel says of the app's process: every uid the range's first, every gid 0 (the
  // runtime's default for a uid the image's /etc/passwd does not know), fsGroup supplementary.
  const status = await podExec(pod!, ['cat', '/proc/1/status']);
  const ids = (key: string) => (new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  expect(ids('Uid')).toEqual([uid, uid, uid, uid]);
  expect(ids('Gid')).toEqual([0, 0, 0, 0]);
  expect(ids('Groups')).toContain(uid);
  expect(ids('Uid')).not.toContain(1001);

  // The image's dirs are the process's to write: its working dir and HOME (the builders' group 0 + g=u).
  const probe = `.slipway-uid-${run}`;
  const wrote = await podExec(pod!, ['sh', '-c', `echo "$HOME"; touch "$HOME/${probe}" && echo home-writable; touch "./${probe}" && echo workdir-writable; id -u; id -g`]);
  const [home, ...rest] = wrote.trim().split('\n');
  expect(home).toMatch(/^\/\S+/);
  expect(home).not.toBe('/');
  expect(rest).toEqual(['home-writable', 'workdir-writable', String(uid), '0']);

  // And it answers through the API server's service proxy: no network path of the test's own.
  const answer = await serviceProxyGet(kc, { namespace: app, service: app });
  expect(answer.status).toBeGreaterThanOrEqual(200);
  expect(answer.status).toBeLessThan(300);
  expect(answer.json ?? answer.text).toEqual(body(uid));
}, 1_800_000);


/** A command's stdout in the pod's app container, through the API server (it runs as the container's user). */
async function podExec(pod: V1Pod, command: string[]): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const { namespace, name } = pod.metadata as { namespace: string; name: string };
  const status = await new Promise<{ status?: string; message?: string }>((resolve, reject) => {
    new Exec(kc).exec(namespace, name, pod.spec!.containers[0]!.name, command, stdout, stderr, null, false, resolve).catch(reject);
  });
  if (status.status !== 'Success') throw new Error(`${command.join(' ')} in ${namespace}/${name}: ${status.message ?? status.status}: ${Buffer.concat(err).toString()}`);
  return Buffer.concat(out).toString();
}

