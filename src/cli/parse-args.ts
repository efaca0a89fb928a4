import { CliError } from './client.js';

/** `K=V` pairs (repeatable flags) into a map; a pair without `=` or with a bad key is an error. */
export function keyValues(pairs: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new CliError(`${flag} takes KEY=VALUE, got "${pair}"`);
    out[key] = pair.slice(at + 1);
  }
  return out;
}

/** A params file as `oc process --param-file` reads it: KEY=VALUE lines, # comments, blank lines. */
export function paramFile(text: string): Record<string, string> {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return keyValues(lines, '--param-file');
}

/** `https://host/org/repo.git#branch` → repo URL, ref, and an app name from the repo's last path segment. */
export function parseRepoArgument(argument: string): { repo: string; ref?: string; name: string } {
  const hash = argument.lastIndexOf('#');
  const repo = hash > 0 ? argument.slice(0, hash) : argument;
  const ref = hash > 0 ? argument.slice(hash + 1) || undefined : undefined;
  const last = repo.replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
  const name = last
    .replace(/\.git$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return { repo, ref, name };
}

export interface ProbeArgument {
  type: 'http' | 'tcp' | 'exec' | 'off';
  path?: string;
  port?: number;
  command?: string[];
}

/**
 * `--readiness`/`--liveness` values: `http:/healthz`, `http:9000:/healthz`, `tcp`, `tcp:5432`,
 * `exec:pg_isready -U app` (run by sh -c), or `off`.
 */
export function parseProbe(spec: string, flag: string): ProbeArgument {
  const http = /^http:(?:(\d{1,5}):)?(\/\S*)$/.exec(spec);
  if (http) return { type: 'http', path: http[2]!, ...(http[1] ? { port: Number(http[1]) } : {}) };
  const tcp = /^tcp(?::(\d{1,5}))?$/.exec(spec);
  if (tcp) return { type: 'tcp', ...(tcp[1] ? { port: Number(tcp[1]) } : {}) };
  if (spec.startsWith('exec:') && spec.length > 5) return { type: 'exec', command: ['sh', '-c', spec.slice(5)] };
  if (spec === 'off') return { type: 'off' };
  throw new CliError(`${flag} takes http:/PATH, http:PORT:/PATH, tcp, tcp:PORT, exec:COMMAND or off, got "${spec}"`);
}
