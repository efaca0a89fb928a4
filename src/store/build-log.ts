import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

const MAX_LINES = 50_000;

export interface LogEntry {
  /** Stream id; pass it back as `after` to read on from there. */
  id: string;
  line: string;
}

/**
 * A build's log as a Redis stream: stored for later and followed live (XREAD BLOCK) by
 * SSE readers. Lines are masked before they get here (see build/log-masker.ts).
 */
export class BuildLog {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async append(buildId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const line of lines) pipeline.xadd(this.keys.buildLog(buildId), 'MAXLEN', '~', MAX_LINES, '*', 'l', line);
    await pipeline.exec();
  }

  async read(buildId: string, after = '0'): Promise<LogEntry[]> {
    const start = after === '0' ? '-' : `(${after}`;
    const rows = await this.redis.xrange(this.keys.buildLog(buildId), start, '+');
    return rows.map(([id, fields]) => ({ id, line: fields[1] ?? '' }));
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
        const res = await connection.xread('BLOCK', blockMs, 'STREAMS', this.keys.buildLog(buildId), after);
        if (!res) return [];
        return res[0][1].map(([id, fields]) => ({ id, line: fields[1] ?? '' }));
      },
      close: () => connection.disconnect(),
    };
  }
}
