import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pythonStartCommand, type PythonStart } from '../../src/builds/builders/python-start.js';

// The python image's start command, run by /bin/sh as the image runs it, with python, gunicorn
// and uvicorn replaced by stubs that print how they were called: the order of sclorg's
// s2i/bin/run (s2i-python-container 3.12), the switches read from the env at start, and the
// server exec'ed (its pid is the shell's, so it is PID 1 in the container).

const STUB = '#!/bin/sh\n[ "$1 $2" = "manage.py migrate" ] && [ -n "$MIGRATE_FAILS" ] && { echo "migration failed" >&2; exit 1; }\necho "$(basename "$0")${*:+ $*} [pid $$]"\n';

async function run(params: { start: PythonStart; django: boolean; env?: Record<string, string>; files?: Record<string, string> }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'python-start-'));
  const bin = path.join(dir, '.stubs');
  await mkdir(bin);
  for (const tool of ['python', 'gunicorn', 'uvicorn']) {
    await writeFile(path.join(bin, tool), STUB);
    await chmod(path.join(bin, tool), 0o755);
  }
  for (const [file, text] of Object.entries(params.files ?? {})) {
    await writeFile(path.join(dir, file), text);
    await chmod(path.join(dir, file), 0o755);
  }
  const [shell, flag, script] = JSON.parse(pythonStartCommand({ start: params.start, django: params.django })) as string[];
  const child = spawn(shell!, [flag!, script!], { cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin`, PORT: '8080', ...params.env } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  // The pid the shell had: a tool printing it was exec'ed in the shell's place.
  const lines = output.trim().split('\n').map((l) => l.replace(/ \[pid (\d+)\]$/, (_, pid: string) => (Number(pid) === child.pid ? ' [exec]' : ' [child]')));
  return { code, lines };
}

const MIGRATE = ['---> Migrating database ...', 'python manage.py migrate --noinput [child]'];
const gunicornDefault = (module: string) => [`---> Serving application with gunicorn (${module}) ...`, `gunicorn ${module} --bind 0.0.0.0:8080 --access-logfile - [exec]`];
const django: PythonStart = { kind: 'module', module: 'mysite.wsgi' };
const appSh = { 'app.sh': '#!/bin/sh\necho "app.sh [pid $$]"\n' };
const runSh = { 'run.sh': '#!/bin/sh\necho "run.sh [pid $$]"\n' };

test.each<[string, { start: PythonStart; django?: boolean; env?: Record<string, string>; files?: Record<string, string> }, number, string[]]>([
  ['Django: migrate, then gunicorn on the planned module, bound to $PORT', { start: django, django: true }, 0, [...MIGRATE, ...gunicornDefault('mysite.wsgi')]],
  ['DISABLE_MIGRATE: no migration', { start: django, django: true, env: { DISABLE_MIGRATE: '1' } }, 0, ['---> DISABLE_MIGRATE is set: not migrating', ...gunicornDefault('mysite.wsgi')]],
  ['DISABLE_MIGRATE empty is not set', { start: django, django: true, env: { DISABLE_MIGRATE: '' } }, 0, [...MIGRATE, ...gunicornDefault('mysite.wsgi')]],
  ['a failed migration stops the start (set -e, as sclorg)', { start: django, django: true, env: { MIGRATE_FAILS: '1' } }, 1, ['---> Migrating database ...', 'migration failed']],
  ['APP_MODULE replaces the planned module', { start: django, django: true, env: { APP_MODULE: 'other.wsgi:application' } }, 0, [...MIGRATE, ...gunicornDefault('other.wsgi:application')]],
  [
    'APP_CONFIG: gunicorn reads its config, no default bind (sclorg)',
    { start: django, env: { APP_CONFIG: 'conf/gunicorn.py' } },
    0,
    ['---> Serving application with gunicorn (mysite.wsgi) ...', 'gunicorn mysite.wsgi --config conf/gunicorn.py [exec]'],
  ],
  ['GUNICORN_CMD_ARGS: gunicorn reads them, no default bind', { start: django, env: { GUNICORN_CMD_ARGS: '--bind=0.0.0.0:9000' } }, 0, ['---> Serving application with gunicorn (mysite.wsgi) ...', 'gunicorn mysite.wsgi [exec]']],
  [
    'APP_FILE: python runs it, before any migration',
    { start: django, django: true, env: { APP_FILE: 'serve.py' }, files: { 'serve.py': '' } },
    0,
    ['---> Running application from Python script (serve.py) ...', 'python serve.py [exec]'],
  ],
  ['APP_FILE naming no file is an error', { start: django, django: true, env: { APP_FILE: 'missing.py' } }, 1, ["ERROR: file 'missing.py' not found."]],
  [
    'APP_SCRIPT first of the switches: over APP_FILE and APP_MODULE',
    { start: django, django: true, env: { APP_SCRIPT: 'run.sh', APP_FILE: 'serve.py', APP_MODULE: 'x:y' }, files: { ...runSh, 'serve.py': '' } },
    0,
    ['---> Running application from script (run.sh) ...', 'run.sh [exec]'],
  ],
  ['app.sh (planned): run before Django would migrate, as sclorg', { start: { kind: 'script', command: './app.sh' }, django: true, files: appSh }, 0, ['app.sh [exec]']],
  [
    'app.sh (planned) gives way to APP_MODULE, as sclorg defaults it only when no APP_ switch is set',
    { start: { kind: 'script', command: './app.sh' }, django: true, env: { APP_MODULE: 'mysite.wsgi' }, files: appSh },
    0,
    [...MIGRATE, ...gunicornDefault('mysite.wsgi')],
  ],
  ['python main.py (planned)', { start: { kind: 'script', command: 'python main.py' } }, 0, ['python main.py [exec]']],
  ['Procfile web (planned): after the migration', { start: { kind: 'command', command: 'gunicorn x.wsgi --log-file -' }, django: true }, 0, [...MIGRATE, 'gunicorn x.wsgi --log-file - [exec]']],
  ['Procfile web list: the shell runs it', { start: { kind: 'command', command: 'python manage.py check && gunicorn x.wsgi' } }, 0, ['python manage.py check [child]', 'gunicorn x.wsgi [child]']],
  ['APP_MODULE over a Procfile web', { start: { kind: 'command', command: 'uvicorn main:app' }, env: { APP_MODULE: 'main:app' } }, 0, gunicornDefault('main:app')],
  ['uvicorn (planned, ASGI)', { start: { kind: 'command', command: 'uvicorn main:app --host 0.0.0.0 --port "$PORT"' } }, 0, ['uvicorn main:app --host 0.0.0.0 --port 8080 [exec]']],
  [
    'gunicorn.conf.py with wsgi_app: first of all, as sclorg',
    { start: { kind: 'gunicorn-config' }, django: true, env: { APP_SCRIPT: 'run.sh' }, files: runSh },
    0,
    ['---> Serving application with gunicorn (gunicorn.conf.py) ...', 'gunicorn [exec]'],
  ],
  ['only switches, none set: an error naming them', { start: { kind: 'none' } }, 1, ["ERROR: don't know how to run your application: set APP_MODULE, APP_FILE or APP_SCRIPT"]],
  ['only switches: APP_MODULE', { start: { kind: 'none' }, env: { APP_MODULE: 'shop.web:create()' } }, 0, gunicornDefault('shop.web:create()')],
])('%s', async (_name, params, code, lines) => {
  const result = await run({ ...params, django: params.django ?? false });
  expect(result).toEqual({ code, lines });
});
