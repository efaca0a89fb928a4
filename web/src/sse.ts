import { authHeaders } from './api.js';

export interface StreamEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads a server-sent event stream with fetch, because EventSource cannot send the
 * Authorization header. Resolves when the stream closes; reconnecting is the caller's choice
 * (with `lastEventId`, the server resumes after it).
 */
export async function readEventStream(params: { url: string; lastEventId?: string; signal: AbortSignal; onEvent: (event: StreamEvent) => void }): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() };
  if (params.lastEventId) headers['last-event-id'] = params.lastEventId;
  const res = await fetch(params.url, { headers, signal: params.signal, cache: 'no-store' });
  if (!res.ok || !res.body) throw new Error(`the log stream answered ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    // Events end with a blank line; a partial one waits for the next chunk.
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const event = parseEvent(block);
      if (event) params.onEvent(event);
    }
  }
}

export function parseEvent(block: string): StreamEvent | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length || id ? { id, event, data: data.join('\n') } : undefined;
}
