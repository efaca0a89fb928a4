import { simpleGit, type SimpleGit } from 'simple-git';

// Variables Slipway sets itself; simple-git refuses GIT_* variables it was not told about.
const GIT_SETTINGS = { GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };

/**
 * A git client whose processes get only what they need, never the whole environment (which
 * holds Slipway's own secrets): PATH, HOME, proxy settings, no prompts, no system config.
 */
export function gitClient(params: { baseDir?: string; timeoutMs?: number; signal?: AbortSignal; config?: string[] } = {}): SimpleGit {
  const env: Record<string, string> = { ...GIT_SETTINGS, LANG: 'C.UTF-8' };
  for (const name of ['PATH', 'HOME', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return simpleGit({
    ...(params.baseDir ? { baseDir: params.baseDir } : {}),
    timeout: { block: params.timeoutMs ?? 300_000 },
    ...(params.signal ? { abort: params.signal } : {}),
    // `-c` settings on every git command this client runs (see pinnedGitConfig).
    ...(params.config?.length ? { config: params.config } : {}),
    allowEnvironment: Object.keys(GIT_SETTINGS),
  } as Parameters<typeof simpleGit>[0]).env(env);
}
