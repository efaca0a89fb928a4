import { BuildLog, LINE_TRUNCATED } from '../../src/store/build-log.js';
import type { Build } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { auth } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';
import { recordBuild } from '../helpers/builds.js';

// The build log on the real Redis: bounded by bytes (per line and per build), read in pages,
// and GET /builds/:id/logs (plain and SSE) streaming it page by page.
let t: TestApi;
let small: BuildLog;
let n = 0;

beforeAll(async () => {
  t = await startTestApi();
  small = new BuildLog(t.services.redis, t.services.keys, { lineBytes: 1024, totalBytes: 10_000 });
});
afterAll(() => t.close());

const newBuildId = () => `log-test-${++n}`;
const stored = async (log: BuildLog, id: string) => (await log.read(id)).map((e) => e.line);

describe('bounded by bytes', () => {
  test('a line over the per-line limit is cut and marked', async () => {
    const id = newBuildId();
    await small.append(id, ['x'.repeat(20_000), 'short']);
    const [first, second] = await stored(small, id);
    expect(first).toBe('x'.repeat(1024 - LINE_TRUNCATED.length) + LINE_TRUNCATED);
    expect(second).toBe('short');
  });

  test('past the per-build limit: one marker, lines counted not stored, their number said at finish', async () => {
    const id = newBuildId();
    const line = (i: number) => `${String(i).padStart(4, '0')} ${'y'.repeat(95)}`; // 100 bytes
    // Appended one call at a time, as a build does, and all at once in one call: the same.
    for (let i = 0; i < 150; i++) void small.append(id, [line(i)]);
    await small.append(id, Array.from({ length: 50 }, (_, i) => line(150 + i)));
    const before = await stored(small, id);
    expect(before).toHaveLength(101);
    expect(before.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => line(i)));
    expect(before[100]).toBe('--> log limit of 10000 bytes reached: further lines are counted, not stored');
    // A short line after the limit is dropped too: nothing is stored past the marker.
    await small.append(id, ['tiny']);
    expect(await stored(small, id)).toHaveLength(101);

    await small.finish(id);
    await small.append(id, ['--> Build failed while building: reason']);
    const after = await stored(small, id);
    expect(after.slice(101)).toEqual(['--> log limit reached, 101 lines dropped', '--> Build failed while building: reason']);
    await small.finish(id);
    expect(await t.services.redis.exists(t.services.keys.buildLogUsage(id))).toBe(0);
  });

  test('a log under the limit: finish adds nothing and leaves no key behind', async () => {
    const id = newBuildId();
    await small.append(id, ['a', 'b']);
    await small.finish(id);
    expect(await stored(small, id)).toEqual(['a', 'b']);
    expect(await t.services.redis.exists(t.services.keys.buildLogUsage(id))).toBe(0);
  });

  test('the limit is in bytes, not characters', async () => {
    const id = newBuildId();
    // 'é' is two bytes: 40 lines of 200 of them are 16,000 bytes, over 10,000.
    await small.append(id, Array.from({ length: 40 }, () => 'é'.repeat(200)));
    const lines = await stored(small, id);
    expect(lines).toHaveLength(26); // 25 lines × 400 bytes, then the marker
    expect(lines[25]).toMatch(/log limit of 10000 bytes reached/);
  });
});

describe('read in pages', () => {
  test('pages of at most the page size, in order, resuming after an id', async () => {
    const id = newBuildId();
    const lines = Array.from({ length: 1234 }, (_, i) => `line ${i}`);
    await t.services.logs.append(id, lines);
    const pages: string[][] = [];
    for await (const page of t.services.logs.pages(id, '0', 500)) pages.push(page.map((e) => e.line));
    expect(pages.map((p) => p.length)).toEqual([500, 500, 234]);
    expect(pages.flat()).toEqual(lines);

    const all = await t.services.logs.read(id);
    const resumed: string[] = [];
    for await (const page of t.services.logs.pages(id, all[999]!.id, 500)) resumed.push(...page.map((e) => e.line));
    expect(resumed).toEqual(lines.slice(1000));
  });
});

describe('GET /builds/:id/logs', () => {
  let build: Build;
  let url: string;
  const lines = Array.from({ length: 1700 }, (_, i) => `line ${i} ${'z'.repeat(i % 50)}`);

  beforeAll(async () => {
    // Over real HTTP: the answer is a stream, read as a client reads it.
    url = await t.api.listen({ host: '127.0.0.1', port: 0 });
    await t.createApp({ name: 'logs-app', repo: 'git://127.0.0.1:9419/logs-app.git', branch: 'main' });
    build = await recordBuild(t.services.builds, { app: await t.services.apps.get('logs-app'), ref: 'refs/heads/main', sha: 'a'.repeat(40), trigger: { kind: 'api' } });
    await t.services.logs.append(build.id, lines);
    await t.services.builds.update(build.id, { state: 'succeeded' });
  });

  test('plain text: every line, across pages, in order', async () => {
    const res = await fetch(`${url}/builds/${build.id}/logs`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe(lines.join('\n') + '\n');
  });

  test('both answers read Redis in pages of 500 (XRANGE ... COUNT 500), never the whole stream', async () => {
    const monitor = await t.services.redis.monitor();
    const reads: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (/^xrange$/i.test(args[0] ?? '') && args[1] === t.services.keys.buildLog(build.id)) reads.push(args);
    });
    try {
      await (await fetch(`${url}/builds/${build.id}/logs`, { headers: auth })).text();
      await (await fetch(`${url}/builds/${build.id}/logs`, { headers: { ...auth, accept: 'text/event-stream' } })).text();
      await waitFor({ timeoutMs: 10_000, check: async () => (reads.length >= 8 ? true : undefined), message: () => `${reads.length} XRANGE reads seen` });
    } finally {
      monitor.disconnect();
    }
    // 1700 entries: four pages for each answer.
    expect(reads).toHaveLength(8);
    for (const args of reads) expect(args.slice(4).map((a) => a.toUpperCase())).toEqual(['COUNT', '500']);
  });

  test('plain text of an empty log is empty', async () => {
    const empty = await recordBuild(t.services.builds, { app: await t.services.apps.get('logs-app'), ref: 'refs/heads/main', sha: 'b'.repeat(40), trigger: { kind: 'api' } });
    const res = await fetch(`${url}/builds/${empty.id}/logs`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  /** The SSE events of one request, as `{ id, data }` and the end event's state. */
  async function events(headers: Record<string, string> = {}) {
    const res = await fetch(`${url}/builds/${build.id}/logs`, { headers: { ...auth, accept: 'text/event-stream', ...headers } });
    expect(res.status).toBe(200);
    const blocks = (await res.text()).split('\n\n').filter(Boolean);
    const data = blocks.filter((b) => b.startsWith('id: ')).map((b) => ({ id: /^id: (.*)$/m.exec(b)![1]!, line: JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as string }));
    const end = blocks.find((b) => b.startsWith('event: end'));
    return { data, end };
  }

  test('SSE: replays every line with its id, then `event: end`', async () => {
    const { data, end } = await events();
    expect(data.map((d) => d.line)).toEqual(lines);
    expect(new Set(data.map((d) => d.id)).size).toBe(lines.length);
    expect(end).toBe('event: end\ndata: {"state":"succeeded"}');
  });

  test('SSE: Last-Event-ID resumes after that line', async () => {
    const all = await t.services.logs.read(build.id);
    const { data, end } = await events({ 'last-event-id': all[1199]!.id });
    expect(data.map((d) => d.line)).toEqual(lines.slice(1200));
    expect(end).toBeDefined();
  });

  test('SSE: a Last-Event-ID that is not a stream id replays from the start', async () => {
    const { data } = await events({ 'last-event-id': 'not-an-id' });
    expect(data.map((d) => d.line)).toEqual(lines);
  });
});
