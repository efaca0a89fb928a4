import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

const MAX_LINES = 50_000;
/** Entries per XRANGE when a log is read: a reader holds one page, never the whole log. */
const PAGE_SIZE = 500;
/** How long a build's byte count outlives its last line (a worker that died never calls finish). */
const USAGE_TTL_SECONDS = 7 * 24 * 3600;

export const LINE_TRUNCATED = ' [line truncated]';

export interface LogLimits {
  /** Bytes of one line; the rest is cut and the line marked LINE_TRUNCATED. */
  lineBytes: number;
  /** Bytes of one build's log; once reached, lines are counted, not stored. */
  totalBytes: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { lineBytes: 8 * 1024, totalBytes: 8 * 1024 * 1024 };

export interface LogEntry {
  /** Stream id; pass it back as `after` to read on from there. */
  id: string;
  line: string;
}

/** A stream id as Redis writes them (`<ms>-<seq>`), or `0` for "from the start". */
export const LOG_ENTRY_ID = /^(0|\d{1,20}-\d{1,20})$/;

/**
 * `line` in at most `limit` UTF-8 bytes, the LINE_TRUNCATED mark included: cut (never inside a
 * character) and marked when longer, or when `cut` says the caller already dropped its end.
 */
export function truncateLine(line: string, limit: number, cut = false): string {
  if (!cut && Buffer.byteLength(line) <= limit) return line;
  const bytes = Buffer.from(line);
  let end = Math.min(bytes.length, Math.max(0, limit - LINE_TRUNCATED.length));
  // Decoding half a character would give U+FFFD; step back to where one starts instead.
  while (end > 0 && end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + LINE_TRUNCATED;
}

/**
 * Stores a line while the build's byte count stays under the limit; the first line over it
 * writes one marker instead, and every later one is only counted. Atomic, so two writers
 * (a worker and a retry of it) never both squeeze past the limit.
 * KEYS: stream, usage hash. ARGV: byte limit, max entries, usage ttl, marker, lines...
 */
const APPEND = `
local limit = tonumber(ARGV[1])
local used = tonumber(redis.call('HGET', KEYS[2], 'bytes') or '0')
local dropped = tonumber(redis.call('HGET', KEYS[2], 'dropped') or '0')
for i = 5, #ARGV do
  local line = ARGV[i]
  if dropped == 0 and used + #line <= limit then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'l', line)
    used = used + #line
  else
    if dropped == 0 then redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'l', ARGV[4]) end
    dropped = dropped + 1
  end
end
redis.call('HSET', KEYS[2], 'bytes', used, 'dropped', dropped)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return dropped
`;

/**
 * A build's log as a Redis stream: stored for later and followed live (XREAD BLOCK) by
 * SSE readers. Lines are masked before they get here (see builds/log-masker.ts).
 *
 * Bounded by bytes as well as lines: each line at most `lineBytes`, each build at most
 * `totalBytes` (then "log limit reached" and, at `finish`, how many lines were dropped).
 * Readers page through it (`pages`), so neither side ever holds a whole log.
 */
export class BuildLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {}

  /** Appends lines in order. Calls issued one after another are stored in that order. */
  async append(buildId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const marker = `--> log limit of ${this.limits.totalBytes} bytes reached: further lines are counted, not stored`;
    // EVAL rather than EVALSHA: ioredis would retry a NOSCRIPT with EVAL after later appends had run, out of order.
    await this.redis.eval(
      APPEND,
      2,
      this.keys.buildLog(buildId),
      this.keys.buildLogUsage(buildId),
      this.limits.totalBytes,
      MAX_LINES,
      USAGE_TTL_SECONDS,
      marker,
      ...lines.map((line) => truncateLine(line, this.limits.lineBytes)),
    );
  }

  /**
   * Ends a build's writing: when lines were dropped, says how many; the count starts again
   * from zero, so the lines that close the build (its outcome) are stored.
   */
  async finish(buildId: string): Promise<void> {
    const usage = this.keys.buildLogUsage(buildId);
    const dropped = Number((await this.redis.hget(usage, 'dropped')) ?? 0);
    if (dropped > 0) await this.redis.xadd(this.keys.buildLog(buildId), 'MAXLEN', '~', MAX_LINES, '*', 'l', `--> log limit reached, ${dropped} lines dropped`);
    await this.redis.del(usage);
  }

  /** The log after `after` (a stream id, `0` for all), a page of entries at a time. */
  async *pages(buildId: string, after = '0', pageSize = PAGE_SIZE): AsyncGenerator<LogEntry[]> {
    let start = after === '0' ? '-' : `(${after}`;
    for (;;) {
      const rows = await this.redis.xrange(this.keys.buildLog(buildId), start, '+', 'COUNT', pageSize);
      if (rows.length === 0) return;
      yield rows.map(([id, fields]) => ({ id, line: fields[1] ?? '' }));
      if (rows.length < pageSize) return;
      start = `(${rows[rows.length - 1]![0]}`;
    }
  }

  /** The whole log after `after`, in memory: for small reads and tests (it is bounded by `totalBytes`). */
  async read(buildId: string, after = '0'): Promise<LogEntry[]> {
    const entries: LogEntry[] = [];
    for await (const page of this.pages(buildId, after)) entries.push(...page);
    return entries;
  }

  async tail(buildId: string, count: number): Promise<string[]> {
    const rows = await this.redis.xrevrange(this.keys.buildLog(buildId), '+', '-', 'COUNT', count);
    return rows.reverse().map(([, fields]) => fields[1] ?? '');
  }

  /**
   * A follower of one reader: `follow` waits up to `blockMs` for lines after `after` ([] on
   * timeout). It holds a connection of its own (a blocking read holds it) until `close`.
   */
  follower(): { follow(params: { buildId: string; after: string; blockMs: number }): Promise<LogEntry[]>; close(): void } {
    const connection = this.redis.duplicate();
    return {
      follow: async ({ buildId, after, blockMs }) => {
        const res = await connection.xread('COUNT', PAGE_SIZE, 'BLOCK', blockMs, 'STREAMS', this.keys.buildLog(buildId), after);
        if (!res) return [];
        return res[0][1].map(([id, fields]) => ({ id, line: fields[1] ?? '' }));
      },
      close: () => connection.disconnect(),
    };
  }
}
