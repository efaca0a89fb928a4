// The corpus list (test/corpus/repos.json): real public repos, pinned by commit, each with the
// builder we expect, the HTTP question to ask its image and the traits it stands for. Checked
// here once, before anything is built, so a typo fails the run at its line and not an hour in.

export const CORPUS_BUILDERS = ['nodejs', 'python', 'ruby', 'java', 'go', 'php', 'static'] as const;
export type CorpusBuilder = (typeof CORPUS_BUILDERS)[number];
export const CORPUS_DATABASES = ['postgresql'] as const;
export type CorpusDatabase = (typeof CORPUS_DATABASES)[number];

export interface CorpusEntry {
  /** Short and unique: names the app, the row and `--only`. */
  id: string;
  /** `owner/name` on GitHub: the mirror is `<mirrors-dir>/<owner>+<name>`. */
  repo: string;
  /** A full commit id: the corpus is pinned. */
  ref: string;
  contextDir: string;
  /** The builder OpenShift's S2I would use: a row names a detection that picks another. */
  builder: CorpusBuilder;
  /** Set the builder on the app (`oc new-app --strategy=source`): for repos that carry a Dockerfile. */
  pinBuilder: boolean;
  path: string;
  status: number;
  /** The Host header (default: the container's address), for apps that only answer known hosts. */
  host?: string;
  /** Runtime environment of the app's container. */
  env: Record<string, string>;
  /** A database started beside the app (same network namespace), its settings passed as env. */
  database?: CorpusDatabase;
  /** How long the app may take to answer after it starts (default 60 s). */
  startTimeoutSeconds: number;
  traits: string[];
}

const ID = /^[a-z][a-z0-9-]{0,39}$/;
const REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SHA = /^[0-9a-f]{40}$/;
const FIELDS = new Set(['id', 'repo', 'ref', 'contextDir', 'builder', 'pinBuilder', 'path', 'status', 'host', 'env', 'database', 'startTimeoutSeconds', 'traits']);

/** The entries of a parsed repos.json, or an error naming every bad field (`entries[3].ref: ...`). */
export function parseCorpus(raw: unknown): CorpusEntry[] {
  const problems: string[] = [];
  const entries = (raw as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw new Error('repos.json: "entries" must be an array');
  const seen = new Set<string>();
  const parsed = entries.map((value, i) => {
    const at = `entries[${i}]`;
    const e = (value ?? {}) as Record<string, unknown>;
    const bad = (field: string, why: string) => problems.push(`${at}.${field}: ${why}`);
    for (const key of Object.keys(e)) if (!FIELDS.has(key)) bad(key, 'unknown field');
    const str = (field: string, pattern?: RegExp) => {
      const v = e[field];
      if (typeof v !== 'string' || (pattern && !pattern.test(v))) bad(field, `must be a string${pattern ? ` matching ${pattern}` : ''}, got ${JSON.stringify(v)}`);
      return String(v);
    };
    const id = str('id', ID);
    if (seen.has(id)) bad('id', `"${id}" is used twice`);
    seen.add(id);
    const contextDir = str('contextDir');
    if (contextDir.startsWith('/') || contextDir.split('/').includes('..')) bad('contextDir', 'must be a relative path inside the repo');
    const builder = str('builder') as CorpusBuilder;
    if (!CORPUS_BUILDERS.includes(builder)) bad('builder', `must be one of ${CORPUS_BUILDERS.join(', ')}`);
    const path = str('path', /^\/[\x21-\x7e]*$/);
    const status = e.status;
    if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) bad('status', 'must be an HTTP status');
    const env = (e.env ?? {}) as Record<string, unknown>;
    if (typeof env !== 'object' || Array.isArray(env) || Object.entries(env).some(([k, v]) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof v !== 'string')) bad('env', 'must map variable names to strings');
    const database = e.database as CorpusDatabase | undefined;
    if (database !== undefined && !CORPUS_DATABASES.includes(database)) bad('database', `must be one of ${CORPUS_DATABASES.join(', ')}`);
    const host = e.host;
    if (host !== undefined && (typeof host !== 'string' || !/^[A-Za-z0-9.:-]+$/.test(host))) bad('host', 'must be a host name');
    const timeout = e.startTimeoutSeconds ?? 60;
    if (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) > 600) bad('startTimeoutSeconds', 'must be 1..600');
    const traits = e.traits;
    if (!Array.isArray(traits) || !traits.length || traits.some((t) => typeof t !== 'string')) bad('traits', 'must be a non-empty list of strings');
    if (e.pinBuilder !== undefined && typeof e.pinBuilder !== 'boolean') bad('pinBuilder', 'must be a boolean');
    return {
      id,
      repo: str('repo', REPO),
      ref: str('ref', SHA),
      contextDir,
      builder,
      pinBuilder: e.pinBuilder === true,
      path,
      status: status as number,
      ...(typeof host === 'string' ? { host } : {}),
      env: env as Record<string, string>,
      ...(database ? { database } : {}),
      startTimeoutSeconds: timeout as number,
      traits: traits as string[],
    };
  });
  if (problems.length) throw new Error(`repos.json is not valid:\n  ${problems.join('\n  ')}`);
  return parsed;
}

/** `--only a,b`: the entries with those ids, in the list's order; an unknown id is an error. */
export function selectEntries(entries: CorpusEntry[], only: string | undefined): CorpusEntry[] {
  if (!only) return entries;
  const wanted = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((id) => !entries.some((e) => e.id === id));
  if (unknown.length) throw new Error(`--only: no corpus entry ${unknown.map((u) => `"${u}"`).join(', ')}`);
  return entries.filter((e) => wanted.includes(e.id));
}
