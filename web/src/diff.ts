import type { Release } from './types.js';

export interface Change {
  field: string;
  from?: string;
  to?: string;
}

/**
 * What a release changed against the one before it: the image, the port, and every config
 * field (flattened to dotted paths, e.g. `env.MODE`), so a rollback shows exactly what it restores.
 */
export function releaseChanges(release: Release, previous: Release | undefined): Change[] {
  if (!previous) return [];
  const changes: Change[] = [];
  if (release.image !== previous.image) changes.push({ field: 'image', from: previous.image, to: release.image });
  if (release.port !== previous.port) changes.push({ field: 'port', from: String(previous.port), to: String(release.port) });
  const before = flatten(previous.config);
  const after = flatten(release.config);
  for (const field of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [from, to] = [before.get(field), after.get(field)];
    if (from !== to) changes.push({ field: `config.${field}`, from, to });
  }
  return changes;
}

function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // An empty object adds no paths: `env: {}` → `env: {MODE: "v2"}` is one change, env.MODE added.
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return into;
}
