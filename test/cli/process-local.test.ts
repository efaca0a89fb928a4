import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { slipway } from '../helpers/cli.js';

// `slipway process -f FILE --local` (issue 16), like `oc process -f FILE --local`: the real CLI
// in a process of its own, with no API to reach and no token, processes and translates a real
// OpenShift template (sclorg's nodejs-postgresql-persistent, unchanged: test/templates/fixtures)
// and prints what POST /templates/process answers for the same template and parameters.

const FIXTURE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../templates/fixtures/nodejs-postgresql-persistent.json');
const PG_IMAGE = 'registry.test/slipway-local/postgresql@sha256:' + 'd'.repeat(64);
const OPENSHIFT = { SLIPWAY_OPENSHIFT_IMAGES: JSON.stringify({ postgresql: { image: PG_IMAGE, version: '15' } }), SLIPWAY_APPS_DOMAIN: 'apps.example.test' };
/** Every generated parameter given, so two runs make the same objects. */
const PARAMETERS = {
  SOURCE_REPOSITORY_URL: 'https://git.example.test/shop.git', DATABASE_USER: 'userABC', DATABASE_PASSWORD: 'pw0123456789abcd',
  DATABASE_ADMIN_PASSWORD: 'adm0123456789abc', GITHUB_WEBHOOK_SECRET: 'g'.repeat(40), GENERIC_WEBHOOK_SECRET: 'h'.repeat(40),
};
const asFlags = (values: Record<string, string>) => Object.entries(values).flatMap(([k, v]) => ['-p', `${k}=${v}`]);
/** Nothing listens here: the API path would fail to connect. */
const NO_API = { SLIPWAY_URL: 'http://127.0.0.1:9', SLIPWAY_TOKEN: '' };

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(OPENSHIFT);
});
afterAll(async () => {
  await t?.close();
});

type Obj = Record<string, any>;
const find = (items: Obj[], kind: string, name: string) => items.find((o) => o.kind === kind && o.metadata.name === name);

test('-f FILE --local: no API and no token; the objects, warnings and notes the API answers, the database on the mapped image, the Route host generated', async () => {
  const local = await slipway(['process', '-f', FIXTURE, '--local', '-o', 'json', ...asFlags(PARAMETERS)], { ...NO_API, ...OPENSHIFT }, 120_000);
  expect(local.stderr).not.toMatch(/^error:/m);
  expect(local.code).toBe(0);
  const list = JSON.parse(local.stdout) as { kind: string; items: Obj[] };
  expect(list.kind).toBe('List');
  expect(find(list.items, 'Deployment', 'postgresql')!.spec.template.spec.containers[0].image).toBe(PG_IMAGE);
  // The default namespace a provision would use: the template's name.
  expect(find(list.items, 'Ingress', 'nodejs-postgresql-persistent')!.spec.rules[0].host).toBe('nodejs-postgresql-persistent-nodejs-postgresql-persistent.apps.example.test');
  expect(local.stderr).toMatch(/^note: Deployment\/postgresql: container postgresql: .*postgresql:12-el8 asks for version 12; deploying/m);
  expect(local.stderr).toMatch(/^note: BuildConfig\/nodejs-postgresql-persistent: builder ImageStreamTag openshift\/nodejs:22-ubi9 → Slipway builder nodejs:22$/m);

  const res = await t.api.inject({ method: 'POST', url: '/templates/process', headers: auth, payload: { content: await readText(FIXTURE), parameters: PARAMETERS } });
  expect(res.statusCode).toBe(200);
  const api = res.json() as { objects: Obj[]; unsupported: Obj[]; notes: string[] };
  expect(list.items).toEqual(api.objects);
  const expectedStderr = [...api.unsupported.map((u) => `warning: ${u.kind}/${u.name} not translated: ${u.reason}`), ...api.notes.map((n) => `note: ${n}`)];
  expect(local.stderr.trimEnd().split('\n')).toEqual(expectedStderr);
}, 150_000);

test('a built-in template by name and --param-file, YAML out, offline', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-process-local-'));
  await writeFile(path.join(dir, 'params'), '# as oc process --param-file\nDATABASE_SERVICE_NAME=orders-db\n');
  const local = await slipway(['process', 'postgresql-persistent', '--local', '--param-file', path.join(dir, 'params')], NO_API, 120_000);
  expect(local.code).toBe(0);
  const list = YAML.parse(local.stdout) as { items: Obj[] };
  expect(find(list.items, 'StatefulSet', 'orders-db')).toBeDefined();
}, 150_000);

test.each<[string, string[], RegExp]>([
  ['a required parameter missing, with the API\'s error code', ['process', '-f', FIXTURE, '--local', '-p', 'NAME='], /^error: .*NAME.*\(TEMPLATE_PARAMETER_MISSING\)$/m],
  ['an unknown -p', ['process', '-f', FIXTURE, '--local', '-p', 'NOPE=1'], /\(TEMPLATE_PARAMETER_UNKNOWN\)$/m],
  ['a file that is not there', ['process', '-f', '/nonexistent/t.json', '--local'], /^error: no template file "\/nonexistent\/t.json"$/m],
  ['a file and a name', ['process', 'postgresql-persistent', '-f', FIXTURE, '--local'], /^error: name the template once/m],
  ['a bad SLIPWAY_OPENSHIFT_IMAGES, named', ['process', '-f', FIXTURE, '--local'], /^error: SLIPWAY_OPENSHIFT_IMAGES must be a JSON object/m],
])('%s: exit 1, one line', async (name, args, message) => {
  const env = name.startsWith('a bad SLIPWAY_OPENSHIFT_IMAGES') ? { ...NO_API, SLIPWAY_OPENSHIFT_IMAGES: '{nope' } : NO_API;
  const result = await slipway(args, env, 120_000);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe('');
}, 150_000);

test('without --local, process still asks the API (and needs its token)', async () => {
  const result = await slipway(['process', '-f', FIXTURE], NO_API, 120_000);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^error: no API token/m);
}, 150_000);

async function readText(file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
}
