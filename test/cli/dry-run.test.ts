import YAML from 'yaml';
import { dryRunOutput, formatDryRun } from '../../src/cli/commands/dry-run.js';
import type { DryRunView } from '../../src/store/views.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';

// `--dry-run [-o yaml|json]` on new-app, deploy and env set: the flags, the diff as printed, and
// the real command against a real API (its dry run asks the test cluster's API server).

const head = { app: 'web', release: 3, image: 'r/web@sha256:ab', notes: [] as string[] };

test.each<[string, Pick<DryRunView, 'changes' | 'notes'>, string[]]>([
  [
    'a changed field: path, before and after',
    { notes: [], changes: [{ kind: 'Deployment', name: 'web', namespace: 'shop', action: 'change', fields: [{ path: 'spec.replicas', before: '1', after: '3' }] }] },
    [
      'Dry run: release 3 of web (r/web@sha256:ab) would apply 1 object (1 to change); nothing was changed',
      '~ Deployment/web -n shop: change',
      '    spec.replicas: 1 -> 3',
    ],
  ],
  [
    'a field that comes and one that goes read (none) on their missing side',
    {
      notes: [],
      changes: [
        {
          kind: 'Deployment', name: 'web', namespace: 'shop', action: 'change',
          fields: [{ path: 'spec.template.spec.containers[0].livenessProbe', after: '{"tcpSocket":{"port":"http"}}' }, { path: 'metadata.labels["x"]', before: '"y"' }],
        },
      ],
    },
    [
      'Dry run: release 3 of web (r/web@sha256:ab) would apply 1 object (1 to change); nothing was changed',
      '~ Deployment/web -n shop: change',
      '    spec.template.spec.containers[0].livenessProbe: (none) -> {"tcpSocket":{"port":"http"}}',
      '    metadata.labels["x"]: "y" -> (none)',
    ],
  ],
  [
    'every action has its mark, a cluster-scoped object no -n, messages in parentheses, notes first',
    {
      notes: ['a build would run first'],
      changes: [
        { kind: 'Namespace', name: 'shop', action: 'create', fields: [] },
        { kind: 'Service', name: 'web', namespace: 'shop', action: 'unchanged', fields: [] },
        { kind: 'PersistentVolumeClaim', name: 'web-data', namespace: 'shop', action: 'kept', fields: [], message: 'created only when absent, and it is there' },
        { kind: 'ConfigMap', name: 'web-env-1', namespace: 'shop', action: 'unchecked', fields: [], message: 'namespace "shop" does not exist yet' },
        { kind: 'Ingress', name: 'web', namespace: 'shop', action: 'refused', fields: [], message: 'host is invalid' },
        { kind: 'HorizontalPodAutoscaler', name: 'web', namespace: 'shop', action: 'delete', fields: [], message: 'the release has none' },
      ],
    },
    [
      'Dry run: release 3 of web (r/web@sha256:ab) would apply 5 objects (1 to create, 1 to delete, 1 refused); nothing was changed',
      '  note: a build would run first',
      '+ Namespace/shop: create',
      '= Service/web -n shop: unchanged',
      '= PersistentVolumeClaim/web-data -n shop: kept (created only when absent, and it is there)',
      '? ConfigMap/web-env-1 -n shop: unchecked (namespace "shop" does not exist yet)',
      '! Ingress/web -n shop: refused (host is invalid)',
      '- HorizontalPodAutoscaler/web -n shop: delete (the release has none)',
    ],
  ],
  [
    'nothing to change says so',
    { notes: [], changes: [{ kind: 'Service', name: 'web', namespace: 'shop', action: 'unchanged', fields: [] }] },
    ['Dry run: release 3 of web (r/web@sha256:ab) would apply 1 object, none changed; nothing was changed', '= Service/web -n shop: unchanged'],
  ],
])('formatDryRun: %s', (_name, view, lines) => {
  expect(formatDryRun({ ...head, ...view })).toEqual(lines);
});

test.each<[string, { dryRun?: boolean; output?: string }, string | undefined | Error]>([
  ['no -o: the diff only', { dryRun: true }, undefined],
  ['-o yaml', { dryRun: true, output: 'yaml' }, 'yaml'],
  ['-o json', { dryRun: true, output: 'json' }, 'json'],
  ['-o wide is refused', { dryRun: true, output: 'wide' }, new Error('-o is yaml or json, got "wide"')],
  ['-o without --dry-run is refused', { output: 'yaml' }, new Error('-o prints what a dry run would apply: use it with --dry-run')],
])('dryRunOutput: %s', (_name, options, expected) => {
  if (expected instanceof Error) expect(() => dryRunOutput(options)).toThrow(expected.message);
  else expect(dryRunOutput(options)).toBe(expected);
});

describe('the slipway command against a real API', () => {
  const kc = testKubeConfig();
  let t: TestApi;
  let env: Record<string, string>;
  const name = `cli-dry-run-${Date.now().toString(36)}`;

  beforeAll(async () => {
    t = await startTestApi();
    env = await cliEnv(t.api);
  });
  afterAll(async () => {
    await t?.close();
    await deleteNamespace(kc, name);
  });

  test('new-app --dry-run -o yaml: the diff as comments, then the manifests as a List; no app, no build', async () => {
    const run = await slipway(['new-app', 'https://github.com/acme/shop.git#prod', '--name', name, '--env', 'GREETING=hi', '--dry-run', '-o', 'yaml'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const comments = run.stdout.split('\n').filter((l) => l.startsWith('#'));
    expect(comments[0]).toMatch(new RegExp(`^# Dry run: release 1 of ${name} .* nothing was changed$`));
    expect(comments).toContain(`# + Namespace/${name}: create`);
    expect(comments.join('\n')).toContain('a build of https://github.com/acme/shop.git#prod would run first');
    const list = YAML.parse(run.stdout) as { kind: string; items: Array<{ kind: string; data?: Record<string, string> }> };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.kind)).toEqual(expect.arrayContaining(['Namespace', 'ConfigMap', 'Service', 'Deployment']));
    expect(list.items.find((i) => i.kind === 'ConfigMap')?.data).toEqual({ GREETING: 'hi' });
    expect(await t.services.apps.find(name)).toBeUndefined();
    expect(await t.services.buildQueue.count()).toBe(0);
    expect(await t.services.deployQueue.count()).toBe(0);
  }, 120_000);

  test('new-app --dry-run -o json prints the whole answer; deploy --dry-run of an app never built says why not', async () => {
    const json = await slipway(['new-app', 'https://github.com/acme/shop.git', '--name', name, '--dry-run', '-o', 'json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, app: name, release: 1 });

    await t.createApp({ name, repo: 'https://github.com/acme/shop.git' });
    const deploy = await slipway(['deploy', name, '--dry-run'], env);
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain('has no image yet: build it first, or give an image (RELEASE_NOT_DEPLOYABLE)');
    const env2 = await slipway(['env', 'set', name, 'A=1', '--dry-run'], env);
    expect(env2.code).toBe(0);
    expect(env2.stdout).toContain(`note: app "${name}" has no current release: the change would be saved`);
    expect((await t.services.apps.get(name)).deploy.env).toEqual({});
    const wrong = await slipway(['deploy', name, '-o', 'yaml'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('use it with --dry-run');
  }, 120_000);
});
