/**
 * Fault points for the crash tests (issue 17): a process started with
 * `SLIPWAY_CRASH_AT=<name>[,<name>…]` kills itself with SIGKILL when it reaches a point of that
 * name, the way a power cut or the OOM killer would stop it there: no `finally`, no cleanup, no
 * last write. Unset (always, outside those tests), a point does nothing.
 */
export function crashPoint(name: string): void {
  const points = process.env.SLIPWAY_CRASH_AT;
  if (!points || !points.split(',').includes(name)) return;
  process.stderr.write(`slipway: crash point ${name}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
