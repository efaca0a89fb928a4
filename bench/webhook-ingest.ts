// Benchmark: signed GitHub push webhooks answered 202 per second by Slipway's API (verify the
// HMAC over the raw body, dedupe the delivery, record a build, enqueue it in BullMQ on real
// Redis) vs a bare fastify route that answers 202 and does nothing. Both servers run in a
// child process of their own, on 127.0.0.1; autocannon drives them from this process, in
// alternating rounds of equal length, so machine noise hits both alike. Bounded in time.
//
//   bash bench/run.sh webhook-ingest [seconds-per-round] [rounds]
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/config.js';
import { openServices } from '../src/services/services.js';
import { signHmac } from '../test/helpers/sign.js';

type Target = 'slipway' | 'bare';
const TOKEN = 'bench-token-0123456789abcdef';
const SHA = 'f'.repeat(40);

/** Child: serve one target, report `{port, secret}` to the parent, run until killed. */
async function serve(target: Target): Promise<void> {
  if (target === 'bare') {
    const app = Fastify({ logger: false });
    app.post('/hooks/github/:app', async (_request, reply) => reply.code(202).send({}));
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    process.send!({ url: address, secret: 'unused' });
    return;
  }
  const config = loadConfig({ ...process.env, SLIPWAY_API_TOKEN: TOKEN, SLIPWAY_PREFIX: `bench-${randomUUID().slice(0, 8)}`, SLIPWAY_LOG_LEVEL: 'silent',
    // The limiter stays on (its cost is part of ingest), with a ceiling this load never reaches.
    SLIPWAY_RATE_LIMIT_WEBHOOKS: '1000000' });
  const services = openServices(config);
  const app = await buildApp(services, { logger: false });
  const created = await app.inject({ method: 'POST', url: '/apps', headers: { authorization: `Bearer ${TOKEN}` }, payload: { name: 'bench', repo: 'https://github.com/acme/bench.git' } });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('SIGTERM', async () => {
    await app.close();
    await services.buildQueue.obliterate({ force: true });
    const keys = await services.redis.keys(`${config.prefix}:*`);
    if (keys.length) await services.redis.del(...keys);
    await services.close();
    process.exit(0);
  });
  process.send!({ url: address, secret: created.json().webhook.secret });
}

function start(target: Target): Promise<{ child: ChildProcess; url: string; secret: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', target], { execArgv: process.execArgv, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string; secret: string }) => resolve({ child, ...m }));
    child.once('exit', (code) => reject(new Error(`${target} server exited with ${code}`)));
  });
}

async function round(params: { url: string; secret: string; seconds: number }): Promise<autocannon.Result> {
  const payload = JSON.stringify({ ref: 'refs/heads/main', after: SHA, before: '0'.repeat(40), deleted: false, repository: { clone_url: 'https://github.com/acme/bench.git' } });
  const signature = `sha256=${signHmac({ secret: params.secret, body: payload, algorithm: 'sha256' })}`;
  return autocannon({
    url: `${params.url}/hooks/github/bench`,
    connections: 10,
    duration: params.seconds,
    requests: [
      {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature },
        // A fresh delivery id per request: every request is a new push, none is deduplicated.
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'x-github-delivery': randomUUID() } }),
      },
    ],
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 3);
  const servers = { bare: await start('bare'), slipway: await start('slipway') };
  const results: Record<Target, autocannon.Result[]> = { bare: [], slipway: [] };
  for (let i = 0; i < rounds; i++) {
    for (const target of (i % 2 === 0 ? ['bare', 'slipway'] : ['slipway', 'bare']) as Target[]) {
      const r = await round({ ...servers[target], seconds });
      const non202 = r.non2xx + r.errors + r.timeouts;
      if (non202 > 0) throw new Error(`${target}: ${non202} requests were not answered 2xx`);
      results[target].push(r);
      console.log(`round ${i + 1} ${target.padEnd(7)} ${r.requests.average.toFixed(0)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms`);
    }
  }
  for (const { child } of Object.values(servers)) child.kill('SIGTERM');
  const rps = (t: Target) => median(results[t].map((r) => r.requests.average));
  const p99 = (t: Target) => median(results[t].map((r) => r.latency.p99));
  console.log(`\nwebhook-ingest (${rounds} rounds x ${seconds}s, 10 connections, loopback, medians)`);
  console.log(`  bare fastify route       ${rps('bare').toFixed(0)} req/s   p99 ${p99('bare')} ms`);
  console.log(`  slipway signed push      ${rps('slipway').toFixed(0)} req/s   p99 ${p99('slipway')} ms`);
  console.log(`  ratio slipway/bare       ${(rps('slipway') / rps('bare')).toFixed(3)}`);
}

if (process.argv[2] === '--serve') void serve(process.argv[3] as Target);
else await main();
