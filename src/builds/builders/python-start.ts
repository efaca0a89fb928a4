import { execForm } from '../dockerfile-template.js';
import { execLine } from './procfile.js';

/**
 * What a Python app starts with when no switch says otherwise, as the planner found it:
 * - `gunicorn-config`: a `gunicorn.conf.py` that sets `wsgi_app` (plain `gunicorn`, first of all);
 * - `script`: `./app.sh` or `python <file>`, sclorg's APP_SCRIPT and APP_FILE defaults, run
 *   before Django's migrate as there (so none runs);
 * - `module`: gunicorn on a WSGI module, the default APP_MODULE;
 * - `command`: a Procfile `web:` or uvicorn, after the migration;
 * - `none`: only the switches (set in `.s2i/environment`) say what to run.
 */
export type PythonStart =
  | { kind: 'gunicorn-config' }
  | { kind: 'script'; command: string }
  | { kind: 'module'; module: string }
  | { kind: 'command'; command: string }
  | { kind: 'none' };

/**
 * The runtime switches of sclorg's python image that the start script reads, each from the
 * deploy env or the image's env (the planner carries those set in `.s2i/environment`).
 */
export const START_SWITCHES = ['APP_SCRIPT', 'APP_FILE', 'APP_MODULE', 'APP_CONFIG', 'WEB_CONCURRENCY', 'DISABLE_MIGRATE'] as const;

/**
 * The image's start command: sclorg's `s2i/bin/run` order (s2i-python-container 3.12), checked
 * at start so the switches work as deploy env:
 * a gunicorn.conf.py with wsgi_app; APP_SCRIPT; APP_FILE; the planned script; then, for Django,
 * `manage.py migrate` unless DISABLE_MIGRATE is set (a failed migration stops the start, as
 * sclorg's `set -e` does); APP_MODULE (or the planned module) with gunicorn, bound to $PORT
 * with access logs unless APP_CONFIG or GUNICORN_CMD_ARGS configures it, workers from
 * WEB_CONCURRENCY (gunicorn reads it); else the planned command. Every server is `exec`ed, so
 * it is PID 1 and receives SIGTERM.
 */
export function pythonStartCommand(params: { start: PythonStart; django: boolean }): string {
  const { start, django } = params;
  const lines = [
    'set -e',
    ...(start.kind === 'gunicorn-config' ? ['echo "---> Serving application with gunicorn (gunicorn.conf.py) ..."', 'exec gunicorn'] : []),
    runIfSet('APP_SCRIPT', 'script', 'case "$APP_SCRIPT" in /*) exec "$APP_SCRIPT";; *) exec "./$APP_SCRIPT";; esac'),
    runIfSet('APP_FILE', 'Python script', 'exec python "$APP_FILE"'),
    ...(start.kind === 'script' ? [`if [ -z "$APP_MODULE" ]; then ${execLine(start.command)}; fi`] : []),
    ...(django
      ? ['if [ -z "$DISABLE_MIGRATE" ]; then echo "---> Migrating database ..."; python manage.py migrate --noinput; else echo "---> DISABLE_MIGRATE is set: not migrating"; fi']
      : []),
    ...(start.kind === 'module' ? [`APP_MODULE="\${APP_MODULE:-${start.module}}"`] : []),
    'if [ -n "$APP_MODULE" ]; then echo "---> Serving application with gunicorn ($APP_MODULE) ..."; ' +
      'if [ -n "$APP_CONFIG$GUNICORN_CMD_ARGS" ]; then exec gunicorn "$APP_MODULE" ${APP_CONFIG:+--config "$APP_CONFIG"}; fi; ' +
      'exec gunicorn "$APP_MODULE" --bind "0.0.0.0:$PORT" --access-logfile -; fi',
    ...(start.kind === 'command' ? [execLine(start.command)] : []),
    ...(start.kind === 'none' ? [`echo "ERROR: don't know how to run your application: set APP_MODULE, APP_FILE or APP_SCRIPT" >&2; exit 1`] : []),
  ];
  return execForm(['/bin/sh', '-c', lines.join('\n')]);
}

/** sclorg's check of APP_SCRIPT and APP_FILE: set but missing is an error, not a fall-through. */
function runIfSet(name: string, what: string, run: string): string {
  return `if [ -n "$${name}" ]; then [ -f "$${name}" ] || { echo "ERROR: file '$${name}' not found." >&2; exit 1; }; echo "---> Running application from ${what} ($${name}) ..."; ${run}; fi`;
}
