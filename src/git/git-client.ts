import { simpleGit, type SimpleGit } from 'simple-git';
import type { GitAuth } from './git-auth.js';

// Variables Slipway sets itself; simple-git refuses GIT_* variables it was not told about.
const GIT_SETTINGS = { GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };

/**
 * A git client whose processes get only what they need, never the whole environment (which
 * holds Slipway's own secrets): PATH, HOME, proxy settings, no prompts, no system config; and,
 * for a private repo, what `auth` adds (git-auth.ts).
 */
export function gitClient(params: { baseDir?: string; timeoutMs?: number; signal?: AbortSignal; config?: string[]; auth?: GitAuth } = {}): SimpleGit {
  const env: Record<string, string> = { ...GIT_SETTINGS, LANG: 'C.UTF-8' };
  for (const name of ['PATH', 'HOME', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  const { auth } = params;
  if (auth) Object.assign(env, auth.env);
  const config = [...(params.config ?? []), ...(auth?.config ?? [])];
  return simpleGit({
    ...(params.baseDir ? { baseDir: params.baseDir } : {}),
    timeout: { block: params.timeoutMs ?? 300_000 },
    ...(params.signal ? { abort: params.signal } : {}),
    // `-c` settings on every git command this client runs (see pinnedGitConfig).
    ...(config.length ? { config } : {}),
    allowEnvironment: [...Object.keys(GIT_SETTINGS), ...(auth?.allowEnvironment ?? [])],
    ...(auth ? { unsafe: auth.unsafe } : {}),
  } as Parameters<typeof simpleGit>[0]).env(env);
}
