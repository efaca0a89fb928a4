import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBuilders } from '../../src/builds/builder-catalog.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { generateDockerfile } from '../../src/builds/generate-dockerfile.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';

// The images and toolchain variables the generated Dockerfile gets from the chosen runtime
// version, and the version's reason first among the generated ones.
const builders = loadBuilders();

async function generate(params: { builder: string; files: Record<string, string>; version?: string; images?: 'public' | 'local' }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'versions-'));
  for (const [file, text] of Object.entries(params.files)) await writeFile(path.join(dir, file), text);
  const files = await readdir(dir);
  const input = checkoutReader({ repo: await RepoFiles.open({ root: dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files });
  const builder = builders.find((b) => b.name === params.builder)!;
  const { text, reasons } = await generateDockerfile({ builder, input, images: params.images ?? 'public', port: 8080, version: params.version });
  const lines = text.split('\n');
  return { from: lines.filter((l) => l.startsWith('FROM ')), env: lines.filter((l) => l.startsWith('ENV GOTOOLCHAIN')), reasons };
}

const GO_MAIN = 'package main\n\nfunc main() {}\n';

test.each([
  ['nodejs', { 'package.json': '{"engines":{"node":"18.x"},"scripts":{"start":"node server.js"}}', 'server.js': '' }, undefined, 'local', ['FROM slipway-local/node:18-bookworm-slim AS deps', 'FROM deps AS build', 'FROM slipway-local/node:18-bookworm-slim'], [], 'version: node 18 (engines.node in package.json "18.x")'],
  ['nodejs', { 'package.json': '{"scripts":{"start":"node server.js"}}', 'server.js': '' }, undefined, 'public', ['FROM node:20-bookworm-slim AS deps', 'FROM deps AS build', 'FROM node:20-bookworm-slim'], [], 'version: node 20 (default; no pin)'],
  ['nodejs', { 'package.json': '{"engines":{"node":">=20"}}', 'server.js': '' }, '18', 'public', ['FROM node:18-bookworm-slim AS deps', 'FROM deps AS build', 'FROM node:18-bookworm-slim'], [], 'version: node 18 (builder "nodejs:18" pinned on the app; engines.node in package.json ">=20" not used)'],
  ['python', { 'requirements.txt': 'flask\n', 'app.py': 'app = None\n', '.python-version': '3.11\n' }, undefined, 'public', ['FROM python:3.11-slim-bookworm AS deps', 'FROM deps AS build', 'FROM python:3.11-slim-bookworm'], [], 'version: python 3.11 (.python-version "3.11")'],
  ['go', { 'go.mod': 'module example.com/x\n\ngo 1.23.4\n', 'main.go': GO_MAIN }, undefined, 'public', ['FROM golang:1.22-bookworm AS deps', 'FROM deps AS build', 'FROM debian:bookworm-slim'], ['ENV GOTOOLCHAIN="go1.23.4"', 'ENV GOTOOLCHAIN="go1.23.4"'], 'version: go 1.23.4 (go.mod "go 1.23.4"): GOTOOLCHAIN=go1.23.4, fetched from the Go module proxy, on golang:1.22-bookworm'],
  ['go', { 'go.mod': 'module example.com/x\n\ngo 1.21\n', 'main.go': GO_MAIN }, undefined, 'public', ['FROM golang:1.22-bookworm AS deps', 'FROM deps AS build', 'FROM debian:bookworm-slim'], [], 'version: go 1.22 (go.mod "go 1.21")'],
])('%s %j (app version %s, %s images)', async (builder, files, version, images, from, env, reason) => {
  const generated = await generate({ builder, files, version, images: images as 'public' | 'local' });
  expect(generated.from).toEqual(from);
  // GOTOOLCHAIN in both builder stages, before the module download and the build.
  expect(generated.env).toEqual(env);
  expect(generated.reasons[0]).toBe(reason);
});

test('a version that is not offered fails before anything is planned, naming what is', async () => {
  await expect(generate({ builder: 'python', files: { 'requirements.txt': 'flask\n', 'runtime.txt': 'python-3.8.10\n' } })).rejects.toMatchObject({
    code: 'BUILD_VERSION_UNAVAILABLE',
    message: 'python 3.8.10 (from runtime.txt) is not available; available: 3.11',
  });
  await expect(generate({ builder: 'python', files: { 'requirements.txt': 'flask\n' }, version: '3.8' })).rejects.toMatchObject({
    code: 'BUILD_VERSION_UNAVAILABLE',
    message: 'python 3.8 (from builder "python:3.8" pinned on the app) is not available; available: 3.11',
  });
});
