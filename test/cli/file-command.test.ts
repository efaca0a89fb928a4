import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';

// `slipway config-file` and `secret-file` as a user runs them: a separate process reading real
// files, against a real API on Redis. The app has no release yet, so each change is saved for its
// first one; the files in a running pod are test/e2e/real-node-files.test.ts.

let t: TestApi;
let env: Record<string, string>;
let dir: string;
const SECRET = 'key-material-that-must-not-print';

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'shop', repo: 'git://127.0.0.1:9419/shop.git', branch: 'main' });
  env = await cliEnv(t.api);
  dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-files-'));
  await writeFile(path.join(dir, 'nginx.conf'), 'worker_processes 1;\n');
  await mkdir(path.join(dir, 'certs/sub'), { recursive: true });
  await writeFile(path.join(dir, 'certs/tls.key'), SECRET);
  await writeFile(path.join(dir, 'certs/tls.crt'), 'cert');
  await writeFile(path.join(dir, 'outside.txt'), 'not to be sent');
  await symlink(path.join(dir, 'outside.txt'), path.join(dir, 'certs/escape'));
  await writeFile(path.join(dir, 'big.bin'), Buffer.alloc(1024 * 1024 + 1));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

test('config-file set, list and rm', async () => {
  const set = await slipway(['config-file', 'set', 'shop', `/etc/nginx/nginx.conf=@${dir}/nginx.conf`, `/etc/extra=@${dir}/certs/`], env);
  expect(set.stderr).toBe('');
  expect(set.stdout).toMatch(/^\/etc\/extra\/tls\.crt +4 [0-9a-f]{12}$/m);
  expect(set.stdout).toMatch(/^\/etc\/nginx\/nginx\.conf +20 [0-9a-f]{12}$/m);
  // A symlink in a directory is never followed, and a subdirectory is not sent: both are named.
  expect(set.stdout).toContain('/etc/extra: skipped escape (a symlink), sub (a directory) (only regular files are sent)');
  expect(set.stdout).toContain('Files set: nothing to roll out');
  const stored = (await t.services.apps.get('shop')).deploy.files!;
  expect(stored.mounts.map((m) => [m.path, m.entries.map((e) => e.name)])).toEqual([['/etc/extra', ['tls.crt', 'tls.key']], ['/etc/nginx/nginx.conf', ['nginx.conf']]]);

  const removed = await slipway(['config-file', 'rm', 'shop', '/etc/extra'], env);
  expect(removed.stdout).not.toContain('/etc/extra');
  expect((await slipway(['config-file', 'list', 'shop'], env)).stdout).toMatch(/^\/etc\/nginx\/nginx\.conf +20 /m);
  expect((await slipway(['config-file', 'rm', 'shop', '/etc/none'], env)).stderr).toContain('(FILE_NOT_FOUND)');
}, 120_000);

test('secret-file: contents never printed, no digest', async () => {
  const set = await slipway(['secret-file', 'set', 'shop', `/etc/tls=@${dir}/certs`], env);
  expect(set.stderr).toBe('');
  expect(set.stdout).toMatch(/^\/etc\/tls\/tls\.key +32 \(secret\)$/m);
  const list = await slipway(['secret-file', 'list', 'shop'], env);
  for (const out of [set.stdout, list.stdout]) expect(out).not.toContain(SECRET);
}, 120_000);

test('refusals: bad arguments, a missing file, more than 1 MiB (before sending), a path the API refuses', async () => {
  expect((await slipway(['config-file', 'set', 'shop', `/etc/a.conf=${dir}/nginx.conf`], env)).stderr).toContain('a file is <mount-path>=@<local file or dir/>');
  expect((await slipway(['config-file', 'set', 'shop', `/etc/a.conf=@${dir}/none`], env)).stderr).toContain('no such file or directory');
  const big = await slipway(['config-file', 'set', 'shop', `/etc/big.bin=@${dir}/big.bin`], env);
  expect([big.code, big.stderr]).toEqual([1, expect.stringContaining('more than 1048576 bytes')]);
  expect((await slipway(['config-file', 'set', 'shop', `/proc/x=@${dir}/nginx.conf`], env)).stderr).toContain('(FILE_PATH_INVALID)');
  expect((await slipway(['config-file', 'set', 'shop', `/etc/tls/x=@${dir}/nginx.conf`], env)).stderr).toContain('(FILE_PATH_CONFLICT)');
}, 120_000);
