import { execForm } from '../dockerfile-template.js';

/** The `web:` command of a Procfile (Heroku's format: `<type>: <command>` per line). */
export function procfileWeb(text: string | undefined): string | undefined {
  const line = text?.split('\n').find((l) => /^web\s*:/.test(l.trim()));
  return line?.trim().replace(/^web\s*:\s*/, '') || undefined;
}

/**
 * A command that needs the shell (for `$PORT`, or because it came from a Procfile) in exec
 * form. A single command is `exec`ed so it, not sh, is PID 1 and receives SIGTERM; a command
 * list (`a && b`) keeps sh, which then runs the last one as a child.
 */
export function shellStart(command: string): string {
  const single = !/&&|\|\||[;|&]/.test(command);
  return execForm(['/bin/sh', '-c', single ? `exec ${command}` : command]);
}
