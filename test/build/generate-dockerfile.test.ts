import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBuilders, resolveImage } from '../../src/build/builder-catalog.js';
import { renderTemplate } from '../../src/build/dockerfile-template.js';
import { generateDockerfile } from '../../src/build/generate-dockerfile.js';

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
    const { text } = await generateDockerfile({ builder, contextDir: dir, files: ['package.json', 'package-lock.json', 'server.js'], images: 'public', port: 3000 });
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
    expect(lines[lines.length - 2]).toBe('CMD ["node","server.js"]');
  });
});
