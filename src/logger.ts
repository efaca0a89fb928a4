import { pino, type Logger } from 'pino';

/** Structured JSON logs for processes that are not fastify (workers, CLI helpers). */
export function createLogger(params: { name: string; level: string }): Logger {
  return pino({ name: params.name, level: params.level });
}
