import { SlipwayError } from '../../errors.js';
import { execForm } from '../dockerfile-template.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { procfileWeb, shellStart } from './procfile.js';

interface Install {
  /** Dockerfile lines of the deps stage: manifests copied alone, then installed into /opt/venv. */
  steps: string[];
  /** The manifests' text, to see whether gunicorn is declared. */
  declared: string;
  reason: string;
}

/** Tools that only resolve dependencies live in a venv of their own, never in the runtime's. */
const TOOLS_VENV = 'python3 -m venv /opt/tools && /opt/tools/bin/pip install';

/**
 * How to build a Python app. Install, first match wins: requirements.txt (the explicit list;
 * a pyproject.toml beside it is often only tool config), Pipfile, pyproject.toml with
 * [tool.poetry] (Poetry), pyproject.toml with [project] (PEP 621 dependencies). Start: a
 * Procfile `web:`; else gunicorn on the Django project's WSGI module (manage.py's settings
 * module, or a folder with wsgi.py); else gunicorn on a WSGI `app` in wsgi.py/app.py/main.py
 * (Flask); else `python app.py`/`main.py`.
 */
export async function planPython(input: PlanInput): Promise<BuilderPlan> {
  const install = await planInstall(input);
  const start = await planStart(input);
  const addGunicorn = start.gunicorn && !/(^|[\s"'])gunicorn\b/im.test(install.declared);
  const steps = addGunicorn ? [...install.steps, 'RUN pip install gunicorn'] : install.steps;
  return {
    values: { installSteps: steps.join('\n'), buildSteps: install.buildSteps ?? '', startCommand: start.command },
    reasons: [install.reason, ...(addGunicorn ? ['install: gunicorn added (the start command needs it and no manifest declares it)'] : []), `start: ${start.description}`],
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
  command: string;
  description: string;
  gunicorn: boolean;
}

const gunicorn = (target: string, why: string): Start => ({
  command: shellStart(`gunicorn --bind "0.0.0.0:$PORT" ${target}`),
  description: `gunicorn ${target} on 0.0.0.0:$PORT (${why})`,
  gunicorn: true,
});

async function planStart(input: PlanInput): Promise<Start> {
  const web = procfileWeb(await input.read('Procfile'));
  if (web) return { command: shellStart(web), description: `${web} (Procfile web)`, gunicorn: /^gunicorn\b/.test(web) };
  if (input.files.includes('manage.py')) {
    const django = await djangoWsgi(input);
    if (django) return gunicorn(django.module, django.why);
  }
  for (const file of ['wsgi.py', 'app.py', 'main.py']) {
    const text = input.files.includes(file) ? await input.read(file) : undefined;
    const target = text && wsgiTarget(text);
    if (target) return gunicorn(`${file.slice(0, -3)}:${target}`, `${file} defines ${target}`);
  }
  const script = ['app.py', 'main.py'].find((f) => input.files.includes(f));
  if (script) return { command: execForm(['python', script]), description: `python ${script} (${script} found, no WSGI app in it)`, gunicorn: false };
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'nothing to start: no Procfile web:, no Django project (manage.py + wsgi.py), no WSGI app in wsgi.py/app.py/main.py');
}

/** A WSGI callable at module level: `app = Flask(...)`, `application = ...`, or a `create_app()` factory. */
function wsgiTarget(text: string): string | undefined {
  const assigned = /^(app|application)\s*(?::[^=\n]*)?=/m.exec(text);
  if (assigned) return assigned[1];
  return /^def create_app\(/m.test(text) ? 'create_app()' : undefined;
}

async function djangoWsgi(input: PlanInput): Promise<{ module: string; why: string } | undefined> {
  const manage = (await input.read('manage.py')) ?? '';
  const settings = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']/.exec(manage)?.[1];
  if (settings) {
    // `mysite.settings` or `config.settings.production`: the project package is before `settings`.
    const parts = settings.split('.');
    const pkg = parts.slice(0, Math.max(1, parts.indexOf('settings'))).join('.');
    if (await input.read(`${pkg.replace(/\./g, '/')}/wsgi.py`)) return { module: `${pkg}.wsgi`, why: `manage.py settings ${settings}` };
  }
  for (const dir of [...input.files].sort()) {
    if (await input.read(`${dir}/wsgi.py`)) return { module: `${dir}.wsgi`, why: `manage.py and ${dir}/wsgi.py found` };
  }
  return undefined;
}
