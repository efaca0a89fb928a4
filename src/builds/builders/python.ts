import { SlipwayError } from '../../errors.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { readS2iOverrides, S2I_FILES } from '../s2i-overrides.js';
import { procfileWeb } from './procfile.js';
import { pythonStartCommand, START_SWITCHES, type PythonStart } from './python-start.js';

interface Install {
  /** Dockerfile lines of the deps stage: manifests copied alone, then installed into /opt/venv. */
  steps: string[];
  /** The manifests' text, to see whether gunicorn or uvicorn is declared. */
  declared: string;
  reason: string;
}

/** Tools that only resolve dependencies live in a venv of their own, never in the runtime's. */
const TOOLS_VENV = 'python3 -m venv /opt/tools && /opt/tools/bin/pip install';

/**
 * How to build a Python app, as OpenShift's python S2I image (sclorg/s2i-python-container) does
 * where users rely on it. Install, first match wins: requirements.txt (the explicit list; a
 * pyproject.toml beside it is often only tool config), Pipfile, pyproject.toml with
 * [tool.poetry] (Poetry), pyproject.toml with [project] (PEP 621 dependencies). Django
 * (manage.py): `collectstatic` at build, `migrate` at start. What starts by default: a
 * Procfile `web:`; a gunicorn.conf.py with wsgi_app; app.sh; gunicorn on the Django project's
 * WSGI module; a WSGI `app` in wsgi.py/app.py/main.py (Flask) with gunicorn, an ASGI one
 * (FastAPI, Starlette, Quart, Litestar) with uvicorn; else `python app.py`/`main.py`. sclorg's
 * switches override it at start (python-start.ts).
 */
export async function planPython(input: PlanInput): Promise<BuilderPlan> {
  const s2i = await readS2iOverrides(input);
  // Both files are set in the build stages; only .s2i/runtime-environment reaches the runtime image.
  const buildEnv = { ...s2i.buildEnv, ...s2i.runtimeEnv };
  const install = await planInstall(input);
  const start = await planStart({ input, declared: install.declared, buildEnv });
  const django = input.files.includes('manage.py');
  const collect = django ? collectStatic(buildEnv) : undefined;
  const carried = START_SWITCHES.filter((name) => name in s2i.buildEnv && !(name in s2i.runtimeEnv));
  const startEnv = { WEB_CONCURRENCY: DEFAULT_WEB_CONCURRENCY, ...Object.fromEntries(carried.map((name) => [name, s2i.buildEnv[name]!])) };
  const added = (['gunicorn', 'uvicorn'] as const).filter((server) => start.servers.includes(server) && !declares(install.declared, server));
  return {
    values: {
      installSteps: [...install.steps, ...added.map((server) => `RUN pip install ${server}`)].join('\n'),
      buildSteps: [install.buildSteps, collect?.step].filter(Boolean).join('\n'),
      startEnv: Object.entries(startEnv).map(([name, value]) => envLine(name, value)).join('\n'),
      startCommand: pythonStartCommand({ start: start.default, django }),
    },
    reasons: [
      install.reason,
      ...added.map((server) => `install: ${server} added (the start command needs it and no manifest declares it)`),
      ...(collect ? [collect.reason] : []),
      `start: ${start.description}`,
      ...(django ? ['start: python manage.py migrate --noinput first (Django), unless DISABLE_MIGRATE is set'] : []),
      ...(carried.length ? [`start: ${carried.join(', ')} from ${S2I_FILES.environment}, in the image's env`] : []),
      `start: the deploy env may set ${START_SWITCHES.join(', ')} (sclorg's order; WEB_CONCURRENCY defaults to ${startEnv.WEB_CONCURRENCY})`,
    ],
  };
}

/**
 * gunicorn's and uvicorn's workers when WEB_CONCURRENCY is not set. sclorg computes it from the
 * container's cores and memory (2 per core, 40 MiB each, at most 12); a fixed 2 is what Heroku
 * gives a 512 MB dyno, and never more than a small pod holds.
 */
const DEFAULT_WEB_CONCURRENCY = '2';

/** `ENV NAME="value"`: quotes and `$` escaped so the value arrives as written. */
function envLine(name: string, value: string): string {
  return `ENV ${name}="${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

function declares(manifests: string, name: string): boolean {
  return new RegExp(`(^|[\\s"'])${name}\\b`, 'im').test(manifests);
}

/**
 * sclorg's assemble: collectstatic unless DISABLE_COLLECTSTATIC is set, and only when its dry
 * run passes; one that fails (STATIC_ROOT not set, settings that need the runtime's env) is
 * skipped with a warning line in the build log, the build goes on.
 */
function collectStatic(buildEnv: Record<string, string>): { step?: string; reason: string } {
  if (buildEnv.DISABLE_COLLECTSTATIC) return { reason: `build: no collectstatic (DISABLE_COLLECTSTATIC is set in ${S2I_FILES.environment})` };
  const warning = "WARNING: could not run 'manage.py collectstatic' (its dry run failed: is STATIC_ROOT set?), skipped. To debug: python manage.py collectstatic --noinput";
  return {
    step: `RUN if python manage.py collectstatic --dry-run --noinput >/dev/null 2>&1; then python manage.py collectstatic --noinput; else echo "${warning}"; fi`,
    reason: 'build: python manage.py collectstatic --noinput (Django; skipped with a warning when its dry run fails, e.g. no STATIC_ROOT)',
  };
}

async function planInstall(input: PlanInput): Promise<Install & { buildSteps?: string }> {
  const has = (f: string) => input.files.includes(f);
  if (has('requirements.txt')) {
    return { steps: ['COPY requirements.txt ./', 'RUN pip install -r requirements.txt'], declared: (await input.read('requirements.txt')) ?? '', reason: 'install: pip install -r requirements.txt' };
  }
  if (has('Pipfile')) {
    const lock = has('Pipfile.lock');
    return {
      steps: [
        `COPY Pipfile${lock ? ' Pipfile.lock' : ''} ./`,
        // `pipenv requirements` reads the lock; without one, pipenv resolves it first.
        `RUN ${TOOLS_VENV} pipenv${lock ? '' : ' && /opt/tools/bin/pipenv lock'} && /opt/tools/bin/pipenv requirements >/tmp/requirements.txt && pip install -r /tmp/requirements.txt`,
      ],
      declared: (await input.read('Pipfile')) ?? '',
      reason: `install: Pipfile${lock ? '.lock' : ''} through pipenv requirements${lock ? '' : ' (no Pipfile.lock: pipenv lock first)'}`,
    };
  }
  const pyproject = (await input.read('pyproject.toml')) ?? '';
  if (/^\[tool\.poetry\]/m.test(pyproject)) {
    const lock = has('poetry.lock');
    return {
      steps: [
        `COPY pyproject.toml${lock ? ' poetry.lock' : ''} ./`,
        // Poetry installs into the active venv ($VIRTUAL_ENV=/opt/venv); --no-root: the sources are not here yet.
        `RUN ${TOOLS_VENV} poetry && /opt/tools/bin/poetry install --only main --no-root --no-interaction`,
      ],
      declared: pyproject,
      reason: `install: poetry install --only main (pyproject.toml [tool.poetry]${lock ? ', poetry.lock' : ''})`,
    };
  }
  if (/^\[project\]/m.test(pyproject)) {
    // tomllib is in the standard library from Python 3.11, in the public and the local image alike.
    const list = `python3 -c 'import tomllib; print("\\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"].get("dependencies", [])))' >/tmp/requirements.txt`;
    return {
      steps: ['COPY pyproject.toml ./', `RUN ${list} && pip install -r /tmp/requirements.txt`],
      declared: pyproject,
      reason: 'install: pyproject.toml [project] dependencies (PEP 621)',
    };
  }
  if (pyproject) {
    return { steps: [], buildSteps: 'RUN pip install .', declared: pyproject, reason: 'install: pip install . with the sources (pyproject.toml lists no dependencies to install first)' };
  }
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'no requirements.txt, Pipfile or pyproject.toml to install from');
}

interface Start {
  default: PythonStart;
  description: string;
  /** Servers the default start runs, to install when no manifest declares them. */
  servers: ('gunicorn' | 'uvicorn')[];
}

async function planStart(params: { input: PlanInput; declared: string; buildEnv: Record<string, string> }): Promise<Start> {
  const { input, declared, buildEnv } = params;
  const has = (f: string) => input.files.includes(f);
  const web = procfileWeb(await input.read('Procfile'));
  if (web) return { default: { kind: 'command', command: web }, description: `${web} (Procfile web)`, servers: /^gunicorn\b/.test(web) ? ['gunicorn'] : [] };
  if (has('gunicorn.conf.py') && /\bwsgi_app\b/.test((await input.read('gunicorn.conf.py')) ?? '')) {
    return { default: { kind: 'gunicorn-config' }, description: 'gunicorn with gunicorn.conf.py (it sets wsgi_app)', servers: ['gunicorn'] };
  }
  if (has('app.sh')) return { default: { kind: 'script', command: './app.sh' }, description: './app.sh (app.sh found)', servers: [] };
  if (has('manage.py')) {
    const django = await djangoWsgi(input);
    if (django) return gunicorn(django.module, django.why);
  }
  for (const file of ['wsgi.py', 'app.py', 'main.py']) {
    const text = has(file) ? await input.read(file) : undefined;
    const target = text && appTarget(text);
    if (!target) continue;
    const module = file.slice(0, -3);
    if (isAsgi(text, declared)) return uvicorn(module, target, `${file} defines ${target}, an ASGI app`);
    return gunicorn(`${module}:${target}`, `${file} defines ${target}`);
  }
  const script = ['app.py', 'main.py'].find(has);
  if (script) return { default: { kind: 'script', command: `python ${script}` }, description: `python ${script} (${script} found, no WSGI app in it)`, servers: [] };
  const switches = (['APP_SCRIPT', 'APP_FILE', 'APP_MODULE'] as const).filter((name) => buildEnv[name]);
  if (switches.length) {
    return { default: { kind: 'none' }, description: `${switches.join(', ')} from ${S2I_FILES.environment}`, servers: switches.includes('APP_MODULE') ? ['gunicorn'] : [] };
  }
  throw new SlipwayError(
    'BUILD_STRATEGY_UNKNOWN',
    `nothing to start: no Procfile web:, no app.sh, no Django project (manage.py + wsgi.py), no WSGI or ASGI app in wsgi.py/app.py/main.py, no APP_MODULE, APP_FILE or APP_SCRIPT in ${S2I_FILES.environment}`,
  );
}

const gunicorn = (module: string, why: string): Start => ({
  default: { kind: 'module', module },
  description: `gunicorn ${module} on 0.0.0.0:$PORT (${why})`,
  servers: ['gunicorn'],
});

/** uvicorn reads WEB_CONCURRENCY for its workers too; a `create_app()` factory is `--factory`. */
function uvicorn(module: string, target: string, why: string): Start {
  const factory = target.endsWith('()');
  const app = `${module}:${factory ? target.slice(0, -2) : target}`;
  return {
    default: { kind: 'command', command: `uvicorn${factory ? ' --factory' : ''} ${app} --host 0.0.0.0 --port "$PORT"` },
    description: `uvicorn ${app} on 0.0.0.0:$PORT (${why})`,
    servers: ['uvicorn'],
  };
}

/**
 * A WSGI or ASGI callable at module level: `app = Flask(...)`, `application = ...`, a function
 * `def application(environ, start_response)` or `async def app(scope, receive, send)`, or a
 * `create_app()` factory.
 */
function appTarget(text: string): string | undefined {
  const assigned = /^(app|application)\s*(?::[^=\n]*)?=|^(?:async\s+)?def (app|application)\(/m.exec(text);
  if (assigned) return assigned[1] ?? assigned[2];
  return /^def create_app\(/m.test(text) ? 'create_app()' : undefined;
}

/**
 * ASGI when the file builds an app of an ASGI framework, or uvicorn is declared and the file
 * builds no Flask app: gunicorn's sync workers cannot serve an ASGI app.
 */
function isAsgi(text: string, declared: string): boolean {
  if (/\b(FastAPI|Starlette|Quart|Litestar)\(/.test(text)) return true;
  return declares(declared, 'uvicorn') && !/\bFlask\(/.test(text);
}

/** A dotted Python module name: what may go into the start script as a gunicorn target. */
const PYTHON_MODULE = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

async function djangoWsgi(input: PlanInput): Promise<{ module: string; why: string } | undefined> {
  const manage = (await input.read('manage.py')) ?? '';
  const settings = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']/.exec(manage)?.[1];
  if (settings) {
    // `mysite.settings` or `config.settings.production`: the project package is before `settings`.
    const parts = settings.split('.');
    const pkg = parts.slice(0, Math.max(1, parts.indexOf('settings'))).join('.');
    if (PYTHON_MODULE.test(pkg) && (await input.read(`${pkg.replace(/\./g, '/')}/wsgi.py`))) return { module: `${pkg}.wsgi`, why: `manage.py settings ${settings}` };
  }
  for (const dir of [...input.files].sort()) {
    if (PYTHON_MODULE.test(dir) && (await input.read(`${dir}/wsgi.py`))) return { module: `${dir}.wsgi`, why: `manage.py and ${dir}/wsgi.py found` };
  }
  return undefined;
}
