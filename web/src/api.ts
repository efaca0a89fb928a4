import { session } from './session.js';

/** An error answer from the API: `{error: {code, message}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: (error: ApiError) => void = () => undefined;
/** The router signs the user out and shows the sign-in page on any 401. */
export function handleUnauthorized(handler: (error: ApiError) => void): void {
  onUnauthorized = handler;
}

export function authHeaders(token = session.token()): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(init.token ?? session.token()) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
  if (res.ok) return (await res.json()) as T;
  const answer = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  const error = new ApiError(res.status, answer.error?.code ?? `HTTP_${res.status}`, answer.error?.message ?? res.statusText);
  // A sign-in attempt handles its own 401; anywhere else it means the token stopped working.
  if (res.status === 401 && init.token === undefined) onUnauthorized(error);
  throw error;
}
