import { changeFileSet } from '../../src/apps/file-set-change.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { configHash, renderManifests } from '../../src/releases/render/render.js';
import { renderHookJob } from '../../src/releases/hooks/render-hook.js';
import { fileWiring, filesObject } from '../../src/releases/render/render-files.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { FileSet } from '../../src/store/schemas/file-mounts.js';
import type { DeployConfig } from '../../src/store/types.js';

// issue 19, config and secret files: how a release's pods mount them, and the objects that hold them.

const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const config = defaultDeployConfig('shop');
type Obj = Manifest & { spec: Record<string, any> };
const podSpec = (c: DeployConfig) => (renderManifests({ app: 'shop', release: 3, image, port: 8080, config: c }).find((m) => m.kind === 'Deployment') as Obj).spec.template.spec;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

const nginx: FileSet = { version: 'aaaaaaaaaa', mounts: [{ path: '/etc/nginx/nginx.conf', dir: false, entries: [{ name: 'nginx.conf', key: '0-nginx.conf', size: 12 }] }] };
const tls: FileSet = {
  version: 'bbbbbbbbbb',
  mounts: [{ path: '/etc/tls', dir: true, entries: [{ name: 'tls.crt', key: '0-tls.crt', size: 3 }, { name: 'tls.key', key: '0-tls.key', size: 3 }] }],
};

describe('the pod mounts', () => {
  test.each<[string, Partial<DeployConfig>, unknown[], unknown[]]>([
    ['no files: nothing', {}, [], []],
    [
      'a config file: its key as the one item, mounted with subPath so the rest of the directory stays',
      { files: nginx },
      [{ name: 'files-0', configMap: { name: 'shop-files-aaaaaaaaaa', items: [{ key: '0-nginx.conf', path: 'nginx.conf' }], defaultMode: 0o444 } }],
      [{ name: 'files-0', mountPath: '/etc/nginx/nginx.conf', readOnly: true, subPath: 'nginx.conf' }],
    ],
    [
      'a secret directory: the whole volume, group-readable only',
      { secretFiles: tls },
      [{ name: 'secret-files-0', secret: { secretName: 'shop-secret-files-bbbbbbbbbb', items: [{ key: '0-tls.crt', path: 'tls.crt' }, { key: '0-tls.key', path: 'tls.key' }], defaultMode: 0o440 } }],
      [{ name: 'secret-files-0', mountPath: '/etc/tls', readOnly: true }],
    ],
    [
      'both, after a volume claim',
      { files: nginx, secretFiles: tls, volumes: [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' }] },
      ['vol-data', 'files-0', 'secret-files-0'],
      ['/data', '/etc/nginx/nginx.conf', '/etc/tls'],
    ],
  ])('%s', (_name, fields, volumes, mounts) => {
    const spec = podSpec({ ...config, ...fields });
    const names = (list: Array<Record<string, unknown>> | undefined, key: string) => (typeof volumes[0] === 'string' ? (list ?? []).map((v) => v[key]) : list ?? []);
    expect(names(spec.volumes, 'name')).toEqual(volumes);
    expect(names(spec.containers[0].volumeMounts, 'mountPath')).toEqual(mounts);
  });

  test("a template's pod spec gets them on the release's container only", () => {
    const podTemplate = { container: 'web', labels: {}, spec: { containers: [{ name: 'web', image: ' ' }, { name: 'sidecar', image: 'busybox' }] } };
    const spec = podSpec({ ...config, service: false, podTemplate, files: nginx });
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'files-0', mountPath: '/etc/nginx/nginx.conf', readOnly: true, subPath: 'nginx.conf' }]);
    expect(spec.containers[1]).not.toHaveProperty('volumeMounts');
    expect(spec.volumes.map((v: { name: string }) => v.name)).toEqual(['files-0']);
  });

  test("a hook's pod mounts the files the same way, and never the app's claims", () => {
    const withAll = { ...config, files: nginx, secretFiles: tls, volumes: [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' as const }] };
    const job = renderHookJob({ app: 'shop', release: 3, image, port: 8080, config: withAll, phase: 'pre', hook: { command: ['migrate'], timeoutSeconds: 60 } }) as Obj;
    const pod = job.spec.template.spec;
    expect(pod.volumes).toEqual(fileWiring('shop', withAll).volumes);
    expect(pod.containers[0].volumeMounts).toEqual(fileWiring('shop', withAll).mounts);
    const none = renderHookJob({ app: 'shop', release: 3, image, port: 8080, config, phase: 'pre', hook: { command: ['migrate'], timeoutSeconds: 60 } }) as Obj;
    expect(none.spec.template.spec).not.toHaveProperty('volumes');
    expect(none.spec.template.spec.containers[0]).not.toHaveProperty('volumeMounts');
  });

  test('the release manifests never hold the contents (they are created from the store)', () => {
    const manifests = renderManifests({ app: 'shop', release: 3, image, port: 8080, config: { ...config, files: nginx, secretFiles: tls } });
    expect(manifests.map((m) => m.kind)).toEqual(['Service', 'Deployment']);
  });
});

describe('the config hash', () => {
  const unset = configHash({ port: 8080, config });
  test('unchanged for an app without files: existing releases keep their hash', () => {
    expect(configHash({ port: 8080, config: { ...config, files: undefined, secretFiles: undefined } as DeployConfig })).toBe(unset);
  });
  test('changes with every change of the files, and only then', () => {
    const cases: Array<Partial<DeployConfig>> = [
      { files: nginx },
      { secretFiles: tls },
      { files: { ...nginx, version: 'cccccccccc' } },
      { files: { ...nginx, mounts: [{ ...nginx.mounts[0]!, path: '/etc/other/nginx.conf' }] } },
      { files: nginx, secretFiles: tls },
    ];
    const hashes = cases.map((fields) => configHash({ port: 8080, config: { ...config, ...fields } }));
    expect(new Set([unset, ...hashes]).size).toBe(cases.length + 1);
    expect(configHash({ port: 8080, config: { ...config, files: structuredClone(nginx) } })).toBe(hashes[0]);
  });
});

describe('the objects holding the contents', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
  const draft = changeFileSet({ current: [], set: [{ path: '/srv/static', dir: true, files: { 'a.txt': b64('héllo\n'), 'logo.png': b64(png) } }], remove: [], digests: true })!;
  const set: FileSet = { version: '1234567890', mounts: draft.mounts };

  test('a ConfigMap: immutable, named by version, UTF-8 text in data and other bytes in binaryData', () => {
    const cm = filesObject({ app: 'shop', namespace: 'shop', kind: 'files', set, contents: draft.contents });
    expect(cm).toMatchObject({ kind: 'ConfigMap', immutable: true, metadata: { name: 'shop-files-1234567890', namespace: 'shop', labels: { 'slipway.dev/config': 'files' } } });
    expect(cm.data).toEqual({ '0-a.txt': 'héllo\n' });
    expect(Buffer.from((cm.binaryData as Record<string, string>)['0-logo.png']!, 'base64').equals(png)).toBe(true);
  });

  test('a Secret: immutable, every key base64 in data; a dry run shows keys only', () => {
    const secret = filesObject({ app: 'shop', namespace: 'shop', kind: 'secretFiles', set, contents: draft.contents });
    expect(secret).toMatchObject({ kind: 'Secret', type: 'Opaque', immutable: true, metadata: { name: 'shop-secret-files-1234567890', labels: { 'slipway.dev/config': 'secret-files' } } });
    expect(Buffer.from((secret.data as Record<string, string>)['0-logo.png']!, 'base64').equals(png)).toBe(true);
    const shown = filesObject({ app: 'shop', namespace: 'shop', kind: 'secretFiles', set, placeholder: '(hidden)' });
    expect(shown.stringData).toEqual({ '0-a.txt': '(hidden)', '0-logo.png': '(hidden)' });
    expect(JSON.stringify(shown)).not.toContain(b64(png));
  });

  test('fileWiring names each volume for its kind and index', () => {
    expect(fileWiring('shop', { ...config, files: set }).volumes.map((v) => v.name)).toEqual(['files-0']);
  });
});
