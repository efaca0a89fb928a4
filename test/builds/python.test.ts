import { PLANNERS } from '../../src/builds/planners.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { pythonStartCommand, type PythonStart } from '../../src/builds/builders/python-start.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';
import { contextDir } from '../helpers/context-dir.js';

// The python planner's decisions, file set by file set: how it installs, what it runs at build
// (Django's collectstatic), what starts by default and which of sclorg's switches the image
// carries. What the start command then does with the switches: python-start.test.ts.

async function plan(files: Record<string, string>) {
  const ctx = await contextDir(files);
  return PLANNERS.python!(checkoutReader({ repo: await RepoFiles.open({ root: ctx.dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files: ctx.files }));
}

const flask = 'from flask import Flask\napp = Flask(__name__)\n';
const fastapi = 'from fastapi import FastAPI\napp = FastAPI()\n';
const djangoFiles = { 'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n', 'mysite/wsgi.py': 'application = 1\n', 'mysite/settings.py': '' };
const collectStatic =
  'RUN if python manage.py collectstatic --dry-run --noinput >/dev/null 2>&1; then python manage.py collectstatic --noinput; else echo "WARNING: could not run \'manage.py collectstatic\' (its dry run failed: is STATIC_ROOT set?), skipped. To debug: python manage.py collectstatic --noinput"; fi';
const REQUIREMENTS = 'install: pip install -r requirements.txt';
const GUNICORN_ADDED = 'install: gunicorn added (the start command needs it and no manifest declares it)';
const COLLECT = 'build: python manage.py collectstatic --noinput (Django; skipped with a warning when its dry run fails, e.g. no STATIC_ROOT)';
const MIGRATE = 'start: python manage.py migrate --noinput first (Django), unless DISABLE_MIGRATE is set';
const switches = (workers: string) => `start: the deploy env may set APP_SCRIPT, APP_FILE, APP_MODULE, APP_CONFIG, WEB_CONCURRENCY, DISABLE_MIGRATE (sclorg's order; WEB_CONCURRENCY defaults to ${workers})`;

interface Row {
  files: Record<string, string>;
  start: PythonStart;
  django?: boolean;
  installSteps?: string | ReturnType<typeof expect.stringMatching>;
  buildSteps?: string;
  startEnv?: string;
  reasons: string[];
}

describe('python planner', () => {
  test.each<[string, Row]>([
    [
      'requirements.txt + Flask app.py: gunicorn app:app',
      {
        files: { 'requirements.txt': 'flask\ngunicorn==22.0.0\n', 'app.py': flask },
        start: { kind: 'module', module: 'app:app' },
        installSteps: 'COPY requirements.txt ./\nRUN pip install -r requirements.txt',
        buildSteps: '',
        reasons: [REQUIREMENTS, 'start: gunicorn app:app on 0.0.0.0:$PORT (app.py defines app)'],
      },
    ],
    [
      'Django: the WSGI module from manage.py settings, collectstatic at build, migrate at start; gunicorn added when not declared',
      {
        files: { 'requirements.txt': 'Django==5.0.8\n', 'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.production")\n', 'shop/wsgi.py': 'application = 1\n', 'shop/settings/production.py': '' },
        start: { kind: 'module', module: 'shop.wsgi' },
        django: true,
        installSteps: 'COPY requirements.txt ./\nRUN pip install -r requirements.txt\nRUN pip install gunicorn',
        buildSteps: collectStatic,
        reasons: [REQUIREMENTS, GUNICORN_ADDED, COLLECT, 'start: gunicorn shop.wsgi on 0.0.0.0:$PORT (manage.py settings shop.settings.production)', MIGRATE],
      },
    ],
    [
      'Django without a readable settings module: the folder with wsgi.py',
      {
        files: { 'requirements.txt': 'django\ngunicorn\n', 'manage.py': 'main()\n', 'config/wsgi.py': 'application = 1\n', 'README.md': '' },
        start: { kind: 'module', module: 'config.wsgi' },
        django: true,
        reasons: [REQUIREMENTS, COLLECT, 'start: gunicorn config.wsgi on 0.0.0.0:$PORT (manage.py and config/wsgi.py found)', MIGRATE],
      },
    ],
    [
      'a folder whose name is no Python module never becomes a gunicorn target',
      {
        files: { 'requirements.txt': 'django\ngunicorn\n', 'manage.py': 'main()\n', 'my-site$(id)/wsgi.py': 'application = 1\n', 'main.py': 'print(1)\n' },
        start: { kind: 'script', command: 'python main.py' },
        django: true,
        reasons: [REQUIREMENTS, COLLECT, 'start: python main.py (main.py found, no WSGI app in it)', MIGRATE],
      },
    ],
    [
      'Procfile web wins, and a Django app still migrates first',
      {
        files: { 'requirements.txt': 'gunicorn\n', 'Procfile': 'release: ./migrate\nweb: gunicorn x.wsgi --log-file -\n', 'manage.py': '' },
        start: { kind: 'command', command: 'gunicorn x.wsgi --log-file -' },
        django: true,
        reasons: [REQUIREMENTS, COLLECT, 'start: gunicorn x.wsgi --log-file - (Procfile web)', MIGRATE],
      },
    ],
    [
      "gunicorn.conf.py with wsgi_app: plain gunicorn, as sclorg's run checks first",
      {
        files: { 'requirements.txt': 'flask\n', 'gunicorn.conf.py': 'wsgi_app = "app:app"\nbind = "0.0.0.0:8080"\n', 'app.py': flask },
        start: { kind: 'gunicorn-config' },
        installSteps: 'COPY requirements.txt ./\nRUN pip install -r requirements.txt\nRUN pip install gunicorn',
        reasons: [REQUIREMENTS, GUNICORN_ADDED, 'start: gunicorn with gunicorn.conf.py (it sets wsgi_app)'],
      },
    ],
    [
      'a gunicorn.conf.py without wsgi_app changes nothing',
      {
        files: { 'requirements.txt': 'flask\ngunicorn\n', 'gunicorn.conf.py': 'workers = 3\n', 'app.py': flask },
        start: { kind: 'module', module: 'app:app' },
        reasons: [REQUIREMENTS, 'start: gunicorn app:app on 0.0.0.0:$PORT (app.py defines app)'],
      },
    ],
    [
      "app.sh: sclorg's default APP_SCRIPT, before Django's app",
      {
        files: { 'requirements.txt': 'django\n', 'app.sh': '#!/bin/sh\nexec python manage.py runserver\n', ...djangoFiles },
        start: { kind: 'script', command: './app.sh' },
        django: true,
        reasons: [REQUIREMENTS, COLLECT, 'start: ./app.sh (app.sh found)', MIGRATE],
      },
    ],
    [
      'FastAPI in main.py: uvicorn, added when not declared',
      {
        files: { 'requirements.txt': 'fastapi==0.111.0\n', 'main.py': fastapi },
        start: { kind: 'command', command: 'uvicorn main:app --host 0.0.0.0 --port "$PORT"' },
        installSteps: 'COPY requirements.txt ./\nRUN pip install -r requirements.txt\nRUN pip install uvicorn',
        reasons: [REQUIREMENTS, 'install: uvicorn added (the start command needs it and no manifest declares it)', 'start: uvicorn main:app on 0.0.0.0:$PORT (main.py defines app, an ASGI app)'],
      },
    ],
    [
      'an ASGI factory with uvicorn declared: --factory',
      {
        files: { 'requirements.txt': 'starlette\nuvicorn[standard]==0.30.1\n', 'app.py': 'from starlette.applications import Starlette\ndef create_app():\n    return Starlette()\n' },
        start: { kind: 'command', command: 'uvicorn --factory app:create_app --host 0.0.0.0 --port "$PORT"' },
        reasons: [REQUIREMENTS, 'start: uvicorn app:create_app on 0.0.0.0:$PORT (app.py defines create_app(), an ASGI app)'],
      },
    ],
    [
      'uvicorn declared and an app of no known framework: ASGI',
      {
        files: { 'requirements.txt': 'uvicorn\n', 'main.py': 'async def app(scope, receive, send):\n    pass\n' },
        start: { kind: 'command', command: 'uvicorn main:app --host 0.0.0.0 --port "$PORT"' },
        reasons: [REQUIREMENTS, 'start: uvicorn main:app on 0.0.0.0:$PORT (main.py defines app, an ASGI app)'],
      },
    ],
    [
      'uvicorn declared beside a Flask app: still WSGI, gunicorn',
      {
        files: { 'requirements.txt': 'flask\nuvicorn\ngunicorn\n', 'app.py': flask },
        start: { kind: 'module', module: 'app:app' },
        reasons: [REQUIREMENTS, 'start: gunicorn app:app on 0.0.0.0:$PORT (app.py defines app)'],
      },
    ],
    [
      'Pipfile with its lock: pipenv in a tools venv, requirements into /opt/venv',
      {
        files: { 'Pipfile': '[packages]\nflask = "*"\ngunicorn = "*"\n', 'Pipfile.lock': '{}', 'wsgi.py': flask },
        start: { kind: 'module', module: 'wsgi:app' },
        installSteps: 'COPY Pipfile Pipfile.lock ./\nRUN python3 -m venv /opt/tools && /opt/tools/bin/pip install pipenv && /opt/tools/bin/pipenv requirements >/tmp/requirements.txt && pip install -r /tmp/requirements.txt',
        reasons: ['install: Pipfile.lock through pipenv requirements', 'start: gunicorn wsgi:app on 0.0.0.0:$PORT (wsgi.py defines app)'],
      },
    ],
    [
      'Poetry: poetry install into the active venv, without the project itself',
      {
        files: { 'pyproject.toml': '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\nflask = "^3"\n', 'poetry.lock': '', 'app.py': 'def create_app():\n    pass\n' },
        start: { kind: 'module', module: 'app:create_app()' },
        installSteps: 'COPY pyproject.toml poetry.lock ./\nRUN python3 -m venv /opt/tools && /opt/tools/bin/pip install poetry && /opt/tools/bin/poetry install --only main --no-root --no-interaction\nRUN pip install gunicorn',
        reasons: ['install: poetry install --only main (pyproject.toml [tool.poetry], poetry.lock)', GUNICORN_ADDED, 'start: gunicorn app:create_app() on 0.0.0.0:$PORT (app.py defines create_app())'],
      },
    ],
    [
      'PEP 621: [project] dependencies read with tomllib',
      {
        files: { 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["gunicorn", "flask"]\n', 'main.py': 'print(1)\n' },
        start: { kind: 'script', command: 'python main.py' },
        installSteps: expect.stringMatching(/^COPY pyproject.toml \.\/\nRUN python3 -c 'import tomllib; .*' >\/tmp\/requirements.txt && pip install -r \/tmp\/requirements.txt$/),
        reasons: ['install: pyproject.toml [project] dependencies (PEP 621)', 'start: python main.py (main.py found, no WSGI app in it)'],
      },
    ],
    [
      'pyproject.toml without dependencies: pip install . then collectstatic, both with the sources',
      {
        files: { 'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\n', ...djangoFiles },
        start: { kind: 'module', module: 'mysite.wsgi' },
        django: true,
        buildSteps: `RUN pip install .\n${collectStatic}`,
        reasons: ['install: pip install . with the sources (pyproject.toml lists no dependencies to install first)', GUNICORN_ADDED, COLLECT, 'start: gunicorn mysite.wsgi on 0.0.0.0:$PORT (manage.py settings mysite.settings)', MIGRATE],
      },
    ],
    [
      'DISABLE_COLLECTSTATIC in .s2i/environment: no collectstatic step',
      {
        files: { 'requirements.txt': 'django\ngunicorn\n', '.s2i/environment': 'DISABLE_COLLECTSTATIC=1\n', ...djangoFiles },
        start: { kind: 'module', module: 'mysite.wsgi' },
        django: true,
        buildSteps: '',
        reasons: [REQUIREMENTS, 'build: no collectstatic (DISABLE_COLLECTSTATIC is set in .s2i/environment)', 'start: gunicorn mysite.wsgi on 0.0.0.0:$PORT (manage.py settings mysite.settings)', MIGRATE],
      },
    ],
    [
      'DISABLE_COLLECTSTATIC empty is not set (as sclorg tests it: -z)',
      {
        files: { 'requirements.txt': 'django\ngunicorn\n', '.s2i/environment': 'DISABLE_COLLECTSTATIC=\n', ...djangoFiles },
        start: { kind: 'module', module: 'mysite.wsgi' },
        django: true,
        buildSteps: collectStatic,
        reasons: [REQUIREMENTS, COLLECT, 'start: gunicorn mysite.wsgi on 0.0.0.0:$PORT (manage.py settings mysite.settings)', MIGRATE],
      },
    ],
    [
      'switches in .s2i/environment are carried to the image as its env; other variables are not',
      {
        files: { 'requirements.txt': 'django\ngunicorn\n', '.s2i/environment': 'DISABLE_MIGRATE=1\nWEB_CONCURRENCY=5\nAPP_CONFIG=gunicorn_cfg.py\nSECRET_BUILD_TOKEN=x"$y\n', ...djangoFiles },
        start: { kind: 'module', module: 'mysite.wsgi' },
        django: true,
        startEnv: 'ENV WEB_CONCURRENCY="5"\nENV APP_CONFIG="gunicorn_cfg.py"\nENV DISABLE_MIGRATE="1"',
        reasons: [REQUIREMENTS, COLLECT, 'start: gunicorn mysite.wsgi on 0.0.0.0:$PORT (manage.py settings mysite.settings)', MIGRATE, 'start: APP_CONFIG, WEB_CONCURRENCY, DISABLE_MIGRATE from .s2i/environment, in the image\'s env'],
      },
    ],
    [
      'a switch in .s2i/runtime-environment is in the image already: not carried twice',
      {
        files: { 'requirements.txt': 'flask\ngunicorn\n', '.s2i/runtime-environment': 'APP_MODULE=app:app\n', 'app.py': flask },
        start: { kind: 'module', module: 'app:app' },
        startEnv: 'ENV WEB_CONCURRENCY="2"',
        reasons: [REQUIREMENTS, 'start: gunicorn app:app on 0.0.0.0:$PORT (app.py defines app)'],
      },
    ],
    [
      'nothing found, but APP_MODULE in .s2i/environment: the switches alone, gunicorn added',
      {
        files: { 'requirements.txt': 'flask\n', '.s2i/environment': 'APP_MODULE=shop.web:create()\n', 'shop/web.py': flask },
        start: { kind: 'none' },
        installSteps: 'COPY requirements.txt ./\nRUN pip install -r requirements.txt\nRUN pip install gunicorn',
        startEnv: 'ENV WEB_CONCURRENCY="2"\nENV APP_MODULE="shop.web:create()"',
        reasons: [REQUIREMENTS, GUNICORN_ADDED, 'start: APP_MODULE from .s2i/environment', "start: APP_MODULE from .s2i/environment, in the image's env"],
      },
    ],
  ])('%s', async (_name, row) => {
    const result = await plan(row.files);
    expect(result.values.startCommand).toBe(pythonStartCommand({ start: row.start, django: row.django ?? false }));
    if (row.installSteps !== undefined) expect(result.values.installSteps).toEqual(row.installSteps);
    if (row.buildSteps !== undefined) expect(result.values.buildSteps).toBe(row.buildSteps);
    expect(result.values.startEnv).toBe(row.startEnv ?? 'ENV WEB_CONCURRENCY="2"');
    expect(result.reasons).toEqual([...row.reasons, switches(/WEB_CONCURRENCY="(\d+)"/.exec(result.values.startEnv!)![1]!)]);
  });

  test('a pyproject.toml of tool config beside requirements.txt does not change the install', async () => {
    const result = await plan({ 'pyproject.toml': '[tool.black]\nline-length = 100\n', 'requirements.txt': 'gunicorn\n', 'app.py': flask });
    expect(result.values.installSteps).toBe('COPY requirements.txt ./\nRUN pip install -r requirements.txt');
  });

  test('nothing to start is a clear error naming the switches', async () => {
    await expect(plan({ 'requirements.txt': 'requests\n', 'lib.py': '' })).rejects.toMatchObject({
      code: 'BUILD_STRATEGY_UNKNOWN',
      message: expect.stringMatching(/^nothing to start: .*no APP_MODULE, APP_FILE or APP_SCRIPT in \.s2i\/environment$/),
    });
  });
});
