import { execForm } from '../dockerfile-template.js';

/** The `web:` command of a Procfile (Heroku's format: `<type>: <command>` per line). */
export function procfileWeb(text: string | undefined): string | undefined {
  const line = text?.split('\n').find((l) => /^web\s*:/.test(l.trim()));
  return line?.trim().replace(/^web\s*:\s*/, '') || undefined;
}

/**
 * The `release:` command of a Procfile: Heroku's release phase, run once per release before
 * it rolls out (e.g. `release: python manage.py migrate`). The first `release:` line, as for
 * `web:`; a blank command is none.
 */
export function procfileRelease(text: string | undefined): string | undefined {
  const line = text?.split(/\r?\n/).find((l) => /^release\s*:/.test(l.trim()));
  return line?.trim().replace(/^release\s*:\s*/, '') || undefined;
}

/**
 * A command that needs the shell (for `$PORT`, or because it came from a Procfile) in exec
 * form. A single command is `exec`ed so it, not sh, is PID 1 and receives SIGTERM; a command
 * list (`a && b`) keeps sh, which then runs the last one as a child.
 */
export function shellStart(command: string): string {
  return execForm(['/bin/sh', '-c', execLine(command)]);
}

/** A shell line that runs `command`: `exec`ed when it is a single command, as it is in shellStart. */
export function execLine(command: string): string {
  const single = !/&&|\|\||[;|&]/.test(command);
  return single ? `exec ${command}` : command;
}
