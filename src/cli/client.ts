import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiPath } from './api-path.js';
import { CliError } from './client-error.js';

export { CliError };

export interface CliSettings {
  url: string;
  token: string;
}

/**
 * Where the API is and the token, from SLIPWAY_URL / SLIPWAY_TOKEN (or SLIPWAY_API_TOKEN),
 * else ~/.config/slipway/cli.json `{"url": ..., "token": ...}`.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): CliSettings {
  const file = env.SLIPWAY_CLI_CONFIG ?? path.join(os.homedir(), '.config', 'slipway', 'cli.json');
  let saved: Partial<CliSettings> = {};
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<CliSettings>;
  } catch {
    // No file is fine: the environment may have it all.
  }
  const url = (env.SLIPWAY_URL ?? saved.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = env.SLIPWAY_TOKEN ?? env.SLIPWAY_API_TOKEN ?? saved.token;
  if (!token) throw new CliError(`no API token: set SLIPWAY_TOKEN, or put {"url": "...", "token": "..."} in ${file}`);
  return { url, token };
}

/**
 * The Slipway REST API: JSON in, JSON out, API errors turned into messages a person can act on.
 * Paths are ApiPaths (api-path.ts): every name in them was encoded as one segment.
 */
export class ApiClient {
  constructor(readonly settings: CliSettings) {}

  async request<T>(method: string, pathname: ApiPath, body?: unknown): Promise<T> {
    const res = await this.fetch(pathname, {
      method,
      headers: { authorization: `Bearer ${this.settings.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new CliError(error ? `${error.message} (${error.code})` : `${method} ${pathname} answered ${res.status}`);
    }
    return json as T;
  }

  get<T>(pathname: ApiPath): Promise<T> {
    return this.request<T>('GET', pathname);
  }

  post<T>(pathname: ApiPath, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', pathname, body);
  }

  /** A raw response (for the SSE log stream). */
  async fetch(pathname: ApiPath, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.settings.url}${pathname}`, {
        ...init,
        headers: { authorization: `Bearer ${this.settings.token}`, ...(init.headers as Record<string, string>) },
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      throw new CliError(`cannot reach Slipway at ${this.settings.url} (${cause}): is it running? (bash scripts/up.sh)`);
    }
  }
}
