import type { Worker } from 'bullmq';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createLogger } from '../../src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { pipeline } from '../helpers/pipeline.js';
import { serveCheck } from '../helpers/containers.js';

// Every S2I builder on its fixture app, through Slipway's real build path: git daemon →
// signed push → build worker (detect, generate the Dockerfile, build FROM the local
// stand-in images, push) → the image answers HTTP on $PORT as a non-root user.
let t: TestApi;
let worker: Worker;
const p = pipeline(() => t);
const images: string[] = [];

beforeAll(async () => {
  t = await startTestApi();
  worker = createBuildWorker({ services: t.services, logger: createLogger({ name: 'test-worker', level: 'warn' }) });
  void worker.run();
});

afterAll(async () => {
  await worker.close();
  await t.close();
  await p.cleanup();
  for (const image of images) await t.services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
});

test.each([
  ['python-flask', 'python', ['requirements.txt found'], 'start: gunicorn app:app on 0.0.0.0:$PORT (app.py defines app)', 'hello from python-flask\n'],
  ['python-django', 'python', ['requirements.txt found'], 'start: gunicorn mysite.wsgi on 0.0.0.0:$PORT (manage.py settings mysite.settings)', 'hello from python-django\n'],
  ['go-server', 'go', ['go.mod found'], 'build: go build ./cmd/server (the only command in cmd/), CGO_ENABLED=0', 'hello from go-server\n'],
  ['java-maven', 'java', ['pom.xml found'], 'start: java -jar /app/app.jar', 'hello from java-maven\n'],
  ['ruby-sinatra', 'ruby', ['Gemfile found'], 'start: bundle exec rackup config.ru on 0.0.0.0:$PORT (config.ru found)', 'hello from ruby-sinatra\n'],
  ['php-app', 'php', ['composer.json found', 'index.php found'], 'install: composer install --no-dev (composer.json)', 'hello from php-app\n'],
  ['static-html', 'static', ['index.html found'], 'build: none, index.html served as it is', '<!doctype html>\n<title>static-html</title>\n<p>hello from static-html</p>\n'],
  ['static-node', 'static', ['package.json "slipway.static": "dist"'], 'install: npm install (no lockfile)', '<!doctype html>\n<title>static-node</title>\n<p>hello from static-node, built</p>\n'],
])(
  '%s: detected as %s, built with the local images, answers on $PORT as non-root',
  async (fixture, builder, detected, decision, body) => {
    const { repo, name, secret } = await p.newApp(fixture);
    const { status, body: reply } = await p.push({ name, secret, repo });
    expect(status).toBe(202);
    const build = await p.until(reply.buildId!, ['succeeded', 'failed', 'cancelled'], 600_000);
    if (build.state !== 'succeeded') throw new Error(`${fixture}: build ${build.state}: ${JSON.stringify(build.failure, null, 2)}`);
    images.push(...build.image!.tags);
    expect(build.strategy!.name).toBe(builder);
    expect(build.strategy!.reasons.slice(0, detected.length)).toEqual(detected);
    expect(build.strategy!.reasons).toContain(decision);

    const served = await serveCheck({ docker: t.services.docker, image: `${build.image!.repository}@${build.image!.digest}` });
    expect(served.body).toBe(body);
    expect(served.configUser).toBe('1001');
    expect(served.uid).toBe('1001');
  },
  900_000,
);
