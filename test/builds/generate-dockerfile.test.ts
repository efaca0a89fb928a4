import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBuilders } from '../../src/builds/builder-catalog.js';
import { resolveImage } from '../../src/builds/builder-definition.js';
import { renderTemplate } from '../../src/builds/dockerfile-template.js';
import { generateDockerfile } from '../../src/builds/generate-dockerfile.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';

/** A checkout dir seen as the planners see one. */
async function reader(dir: string, files: string[]) {
  return checkoutReader({ repo: await RepoFiles.open({ root: dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files });
}

describe('renderTemplate', () => {
  test.each([
    ['fills placeholders', 'FROM {{a}}\nRUN {{b}}', { a: 'x', b: 'y' }, 'FROM x\nRUN y'],
    ['collapses an empty optional step', 'A\n{{step}}\n\nB', { step: '' }, 'A\n\nB'],
  ])('%s', (_name, template, values, expected) => {
    expect(renderTemplate(template, values)).toBe(expected);
  });
  test('a placeholder without a value is an error', () => expect(() => renderTemplate('{{a}} {{b}}', { a: '1' })).toThrow(/\{\{b\}\}/));
  test('a value without a placeholder is an error', () => expect(() => renderTemplate('{{a}}', { a: '1', c: '2' })).toThrow(/c/));
});

describe('resolveImage', () => {
  test.each([
    ['node:20-bookworm-slim', 'public', 'node:20-bookworm-slim'],
    ['node:20-bookworm-slim', 'local', 'slipway-local/node:20-bookworm-slim'],
  ] as const)('%s in %s mode', (image, mode, expected) => expect(resolveImage(image, mode)).toBe(expected));
});

describe('generateDockerfile (nodejs)', () => {
  test('multi-stage: manifests before sources, pruned non-root runtime, port exposed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gen-'));
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { start: 'node server.js', build: 'node build.js' } }));
    const builder = loadBuilders().find((b) => b.name === 'nodejs')!;
    const { text } = await generateDockerfile({ builder, input: await reader(dir, ['package.json', 'package-lock.json', 'server.js']), images: 'public', port: 3000 });
    const lines = text.split('\n');
    const index = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(lines.filter((l) => l.startsWith('FROM '))).toEqual(['FROM node:20-bookworm-slim AS deps', 'FROM deps AS build', 'FROM node:20-bookworm-slim']);
    expect(index('COPY package.json package-lock.json ./')).toBeGreaterThan(0);
    expect(index('RUN npm ci')).toBeGreaterThan(index('COPY package.json'));
    expect(index('COPY . .')).toBeGreaterThan(index('RUN npm ci'));
    expect(index('RUN npm run build')).toBeGreaterThan(index('COPY . .'));
    expect(lines).toContain('USER 1001');
    expect(lines).toContain('EXPOSE 3000');
    expect(lines).toContain('ENV NODE_ENV=production PORT=3000');
    expect(lines[lines.length - 2]).toBe('CMD ["/bin/sh","-c","case \\"$NPM_RUN\\" in \\"\\"|start) exec node server.js;; build) exec node build.js;; *) exec npm run \\"$NPM_RUN\\";; esac"]');
  });
});

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/apps');
const builders = loadBuilders();

/** The generated Dockerfile of a fixture app (plus extra files), split into its stages. */
async function generate(params: { fixture: string; builder: string; extra?: Record<string, string>; secrets?: string[] }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gen-'));
  await cp(path.join(FIXTURES, params.fixture), dir, { recursive: true });
  for (const [file, text] of Object.entries(params.extra ?? {})) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  const builder = builders.find((b) => b.name === params.builder)!;
  const generated = await generateDockerfile({ builder, input: await reader(dir, await readdir(dir)), images: 'public', port: 3000, secrets: params.secrets });
  const lines = generated.text.split('\n');
  const starts = lines.flatMap((l, i) => (l.startsWith('FROM ') ? [i] : []));
  const stages = starts.map((start, n) => lines.slice(start, starts[n + 1]));
  return { ...generated, lines, stages };
}

// For each builder, on its fixture app: what the deps stage copies and runs before the sources arrive.
const BUILDERS = [
  { builder: 'python', fixture: 'python-django', images: ['python:3.11-slim-bookworm', 'python:3.11-slim-bookworm'], manifests: 'COPY requirements.txt ./', install: 'RUN pip install -r requirements.txt', cmd: expect.stringMatching(/^CMD \["\/bin\/sh","-c","set -e\\n.*python manage\.py migrate --noinput.*APP_MODULE=\\"\$\{APP_MODULE:-mysite\.wsgi\}\\".*exec gunicorn .*"\]$/) },
  { builder: 'go', fixture: 'go-server', images: ['golang:1.22-bookworm', 'debian:bookworm-slim'], manifests: 'COPY go.mod ./', install: 'RUN go mod download', cmd: 'CMD ["/usr/local/bin/app"]' },
  { builder: 'java', fixture: 'java-maven', images: ['maven:3.8-eclipse-temurin-17', 'eclipse-temurin:17-jre'], manifests: 'COPY pom.xml ./', install: 'RUN mvn -B -ntp -Dmaven.repo.local=/opt/m2 dependency:go-offline', cmd: 'CMD ["java","-jar","/app/app.jar"]' },
  { builder: 'ruby', fixture: 'ruby-sinatra', images: ['ruby:3.1-slim-bookworm', 'ruby:3.1-slim-bookworm'], manifests: 'COPY Gemfile ./', install: 'RUN bundle install', cmd: 'CMD ["/bin/sh","-c","exec bundle exec rackup --host 0.0.0.0 --port \\"$PORT\\" config.ru"]' },
  { builder: 'php', fixture: 'php-app', images: ['composer:2', 'php:8.2-apache'], manifests: 'COPY composer.json ./', install: 'RUN composer install --no-dev', cmd: 'CMD ["apache2","-DFOREGROUND"]' },
  { builder: 'static', fixture: 'static-node', images: ['node:20-bookworm-slim', 'nginxinc/nginx-unprivileged:1.22'], manifests: 'COPY package.json ./', install: 'RUN npm install', cmd: expect.stringMatching(/^CMD \["\/bin\/sh","-c","sed .*exec nginx -e stderr -c \/tmp\/nginx.conf"\]$/) },
];

describe.each(BUILDERS)('generateDockerfile ($builder)', ({ builder, fixture, images, manifests, install, cmd }) => {
  test('deps, build and a non-root runtime stage; manifests and install before the sources', async () => {
    const { stages } = await generate({ fixture, builder });
    expect(stages.map((s) => s[0])).toEqual([`FROM ${images[0]} AS deps`, 'FROM deps AS build', `FROM ${images[1]}`]);
    const [deps, build, runtime] = stages as [string[], string[], string[]];
    const at = (stage: string[], prefix: string) => stage.findIndex((l) => l.startsWith(prefix));
    expect(at(deps, manifests)).toBeGreaterThan(0);
    expect(at(deps, install)).toBeGreaterThan(at(deps, manifests));
    expect(deps).not.toContain('COPY . .');
    expect(build[at(build, 'COPY')]).toBe('COPY . .');
    expect(runtime).toContain('USER 1001');
    expect(runtime.filter((l) => l.startsWith('USER ')).pop()).toBe('USER 1001');
    expect(runtime).toContain('EXPOSE 3000');
    expect(runtime.some((l) => /^ENV .*\bPORT=3000\b/.test(l))).toBe(true);
    expect(runtime.filter((l) => l.startsWith('CMD ')).pop()).toEqual(cmd);
    expect(runtime.findIndex((l) => l.startsWith('CMD '))).toBeGreaterThan(runtime.indexOf('USER 1001'));
  });

  test('.s2i overrides: build env and secrets stay in the builder stages, runtime env and run reach the runtime', async () => {
    const { stages, reasons } = await generate({
      fixture,
      builder,
      secrets: ['NPM_TOKEN'],
      extra: {
        '.s2i/environment': 'BUILD_ONLY=from-s2i\n',
        '.s2i/runtime-environment': 'GREETING="hi there"\n',
        '.s2i/bin/assemble': '#!/bin/sh\necho custom assemble\n',
        '.s2i/bin/run': '#!/bin/sh\nexec echo custom run\n',
      },
    });
    const [deps, build, runtime] = stages as [string[], string[], string[]];
    for (const stage of [deps, build]) {
      expect(stage).toContain('ARG NPM_TOKEN');
      expect(stage).toContain('ENV BUILD_ONLY="from-s2i"');
      expect(stage).toContain('ENV GREETING="hi there"');
    }
    expect(runtime.join('\n')).not.toMatch(/NPM_TOKEN|BUILD_ONLY/);
    expect(runtime).toContain('ENV GREETING="hi there"');
    expect(build).toContain('RUN chmod +x .s2i/bin/assemble && ./.s2i/bin/assemble');
    // The assemble replaces the planner's steps; the template's group-permission step stays (arbitrary uids).
    expect(build.filter((l) => l.startsWith('RUN ') && !l.includes('.s2i/bin/') && !l.startsWith('RUN chmod -R g=u '))).toEqual([]);
    expect(runtime).toContain('COPY --from=build --chown=1001:0 /app/.s2i/bin/run /usr/local/bin/s2i-run');
    expect(runtime[runtime.length - 2]).toBe('CMD ["/usr/local/bin/s2i-run"]');
    expect(reasons).toEqual(expect.arrayContaining(['build: .s2i/bin/assemble', 'start: .s2i/bin/run']));
  });
});

test("every public image of every builder's versions has exactly one local stand-in definition", () => {
  const defined = new Map<string, string>();
  for (const b of builders) {
    for (const [image, file] of Object.entries(b.localImages)) {
      const resolved = path.resolve(b.dir, file);
      expect([undefined, resolved]).toContain(defined.get(image));
      defined.set(image, resolved);
    }
  }
  const used = builders.flatMap((b) => Object.values(b.versions.images).flatMap((images) => [images.builder, images.runtime]));
  expect(used.filter((image) => !defined.has(image))).toEqual([]);
  // And no stand-in is built for an image no version uses.
  expect([...defined.keys()].filter((image) => !used.includes(image))).toEqual([]);
});
