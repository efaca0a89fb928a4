import { changeFileSet, uploadsOf } from '../../src/apps/file-set-change.js';
import { describeConfigRevert } from '../../src/store/describe-config-revert.js';
import { SlipwayError } from '../../src/errors.js';
import { checkDeployConfig, defaultDeployConfig } from '../../src/store/deploy-config.js';
import { MAX_FILES_BYTES } from '../../src/store/file-mount-rules.js';
import type { FileMount } from '../../src/store/schemas/file-mounts.js';
import type { DeployConfig } from '../../src/store/types.js';

// issue 19: what the config and secret files of an app may be. Pure: tables in, codes out.

const b64 = (text: string) => Buffer.from(text).toString('base64');
const file = (path: string, text = 'x') => ({ path, dir: false, files: { [path.slice(path.lastIndexOf('/') + 1)]: b64(text) } });
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof SlipwayError ? `${error.code}: ${error.message}` : String(error);
  }
};

describe('changeFileSet refuses what cannot be mounted', () => {
  test.each<[string, { path: string; dir: boolean; files: Record<string, string> }, string | undefined]>([
    ['a normal file', file('/etc/nginx/nginx.conf'), undefined],
    ['a directory', { path: '/etc/tls', dir: true, files: { 'tls.crt': b64('c'), 'tls.key': b64('k'), '.hidden': b64('h') } }, undefined],
    ['a relative path', file('etc/app.conf'), 'FILE_PATH_INVALID: mount path "etc/app.conf" must be absolute'],
    ['`..`', file('/etc/../root/x.conf'), 'must not hold `..`'],
    ['the root', { path: '/', dir: true, files: { a: b64('a') } }, 'would hide the whole file system'],
    ['a double slash', file('/etc//app.conf'), 'is not normalized (say "/etc/app.conf")'],
    ['a trailing slash', { path: '/etc/app/', dir: true, files: { a: b64('a') } }, 'is not normalized (say "/etc/app")'],
    ['a dot segment', file('/etc/./app.conf'), 'is not normalized'],
    ['/proc', file('/proc/self/x'), 'is under /proc'],
    ['/sys itself', { path: '/sys', dir: true, files: { a: b64('a') } }, 'is under /sys'],
    ['/dev', file('/dev/shm/x'), 'is under /dev'],
    ['/devices is not /dev', file('/devices/x'), undefined],
    ['a colon', file('/etc/a:b'), 'holds a NUL, a colon or a backslash'],
    ['a file name Kubernetes refuses as a key', file('/etc/app conf'), 'FILE_PATH_INVALID: file name "app conf"'],
    ['a directory entry with a slash', { path: '/etc/app', dir: true, files: { 'a/b': b64('x') } }, 'FILE_PATH_INVALID: file name "a/b"'],
    ['a directory entry `..`', { path: '/etc/app', dir: true, files: { '..': b64('x') } }, 'file name ".."'],
    ['an empty directory', { path: '/etc/app', dir: true, files: {} }, 'holds no file'],
    ['a file mount named unlike its path', { path: '/etc/app.conf', dir: false, files: { 'other.conf': b64('x') } }, 'holds exactly one file, named app.conf'],
  ])('%s', (_name, upload, refusal) => {
    const said = codeOf(() => changeFileSet({ current: [], set: [upload], remove: [], digests: true }));
    if (refusal === undefined) expect(said).toBeUndefined();
    else expect(said).toContain(refusal);
  });

  test('removing a path not mounted: FILE_NOT_FOUND; removing the last: no set', () => {
    expect(codeOf(() => changeFileSet({ current: [file('/a/b')], set: [], remove: ['/a/c'], digests: true }))).toMatch(/^FILE_NOT_FOUND/);
    expect(changeFileSet({ current: [file('/a/b')], set: [], remove: ['/a/b'], digests: true })).toBeUndefined();
  });
});

describe('changeFileSet drafts the same files the same way', () => {
  test('sorted by path, keyed by index and name, sizes and digests of the bytes; secret files without digests', () => {
    const draft = changeFileSet({ current: [file('/z/z.conf', 'zz')], set: [file('/a/a.conf', 'hello')], remove: [], digests: true })!;
    expect(draft.mounts).toEqual([
      { path: '/a/a.conf', dir: false, entries: [{ name: 'a.conf', key: '0-a.conf', size: 5, sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' }] },
      { path: '/z/z.conf', dir: false, entries: [expect.objectContaining({ name: 'z.conf', key: '1-z.conf', size: 2 })] },
    ]);
    expect(draft.contents).toEqual({ '0-a.conf': b64('hello'), '1-z.conf': b64('zz') });
    const secret = changeFileSet({ current: [], set: [file('/a/a.conf', 'hello')], remove: [], digests: false })!;
    expect(secret.mounts[0]!.entries[0]).not.toHaveProperty('sha256');
  });

  test('a stored set read back and changed: the other mounts keep their bytes', () => {
    const first = changeFileSet({ current: [], set: [file('/a/a.conf', 'one'), file('/b/b.conf', 'two')], remove: [], digests: true })!;
    const back = uploadsOf({ version: '0123456789', mounts: first.mounts }, first.contents);
    const second = changeFileSet({ current: back, set: [file('/a/a.conf', 'uno')], remove: [], digests: true })!;
    expect(second.contents).toEqual({ '0-a.conf': b64('uno'), '1-b.conf': b64('two') });
    expect(changeFileSet({ current: back, set: [], remove: [], digests: true })).toEqual(first);
  });
});

describe('checkDeployConfig: mounts apart from each other and the volumes, within 1 MiB', () => {
  const base = defaultDeployConfig('shop');
  const mount = (path: string, size = 1): FileMount => ({ path, dir: false, entries: [{ name: path.slice(path.lastIndexOf('/') + 1), key: `0-${path.slice(path.lastIndexOf('/') + 1)}`, size }] });
  const dir = (path: string): FileMount => ({ path, dir: true, entries: [{ name: 'a', key: '0-a', size: 1 }] });
  const set = (...mounts: FileMount[]) => ({ version: '0123456789', mounts });
  const volume = { name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' as const };
  test.each<[string, Partial<DeployConfig>, string | undefined]>([
    ['apart', { files: set(mount('/etc/a.conf')), secretFiles: set(dir('/etc/tls')), volumes: [volume] }, undefined],
    ['a config file and a secret file at one path', { files: set(mount('/etc/a')), secretFiles: set(mount('/etc/a')) }, 'FILE_PATH_CONFLICT: secret file path /etc/a overlaps the config file mounted at /etc/a'],
    ['a file inside a mounted directory', { files: set(dir('/etc/app'), mount('/etc/app/x.conf')) }, 'FILE_PATH_CONFLICT: config file path /etc/app/x.conf overlaps the config files mounted at /etc/app'],
    ['a file inside a volume', { files: set(mount('/data/app.conf')), volumes: [volume] }, 'FILE_PATH_CONFLICT: config file path /data/app.conf overlaps volume data at /data'],
    ['a directory holding a volume', { secretFiles: set(dir('/')), volumes: [volume] }, 'FILE_PATH_INVALID'],
    ['a sibling with a common prefix', { files: set(mount('/data2/app.conf')), volumes: [volume] }, undefined],
    ['exactly 1 MiB', { files: set(mount('/a/a', MAX_FILES_BYTES)) }, undefined],
    ['a byte more', { files: set(mount('/a/a', MAX_FILES_BYTES), mount('/b/b', 1)) }, 'FILES_TOO_LARGE: the app\'s config files come to 1048577 bytes; Kubernetes holds at most 1048576 bytes (1 MiB) in one ConfigMap'],
    ['1 MiB of each kind', { files: set(mount('/a/a', MAX_FILES_BYTES)), secretFiles: set(mount('/b/b', MAX_FILES_BYTES)) }, undefined],
  ])('%s', (_name, fields, refusal) => {
    const said = codeOf(() => checkDeployConfig({ ...base, ...fields }));
    if (refusal === undefined) expect(said).toBeUndefined();
    else expect(said).toContain(refusal);
  });
});

describe('an automatic rollback says the files were restored, never what they hold', () => {
  const base = defaultDeployConfig('shop');
  const one = { version: '0123456789', mounts: [{ path: '/etc/a.conf', dir: false, entries: [{ name: 'a.conf', key: '0-a.conf', size: 1 }] }] };
  const two = { ...one, version: '9876543210' };
  test.each<[string, Partial<DeployConfig>, Partial<DeployConfig>, string[]]>([
    ['unchanged', { files: one }, { files: one }, []],
    ['other config files', { files: two }, { files: one }, ['config files restored']],
    ['config files added by the failed release', { files: one }, {}, ['config files removed']],
    ['secret files', { secretFiles: two }, { secretFiles: one }, ['secret files restored']],
  ])('%s', (_name, from, to, said) => {
    expect(describeConfigRevert({ from: { ...base, ...from }, to: { ...base, ...to } })).toEqual(said);
  });
});
