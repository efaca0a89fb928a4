import type { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { contextIgnore, GENERATED_DOCKERFILE, packContext } from '../../src/builds/build-context.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';
import { contextDir } from '../helpers/context-dir.js';

// The generated Dockerfile travels in the build context; the engine drops it (and the
// .dockerignore) from what `COPY . .` sees only when the context's .dockerignore lists it.
// That it is really absent from a built image: test/e2e/python-builds.test.ts.

describe('contextIgnore', () => {
  test.each([
    ['no .dockerignore in the repo', undefined, '.slipway.Dockerfile\n.dockerignore\n'],
    ["the repo's lines first", 'node_modules\n*.log\n', 'node_modules\n*.log\n.slipway.Dockerfile\n.dockerignore\n'],
    ['a repo file without its last newline', 'node_modules', 'node_modules\n.slipway.Dockerfile\n.dockerignore\n'],
    ["an exception of the repo's cannot bring them back: ours come last", '*\n!.slipway.Dockerfile\n!.dockerignore\n', '*\n!.slipway.Dockerfile\n!.dockerignore\n.slipway.Dockerfile\n.dockerignore\n'],
  ])('%s', (_name, repoText, expected) => {
    expect(contextIgnore(repoText)).toBe(expected);
  });
});

/** The archive's files in order (a name twice is there twice). */
async function entries(archive: Readable): Promise<{ name: string; text: string }[]> {
  const extract = tarStream.extract();
  const found: { name: string; text: string }[] = [];
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      if (header.type === 'file') found.push({ name: header.name, text: Buffer.concat(chunks).toString() });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => extract.on('finish', () => resolve()).on('error', reject));
  archive.pipe(extract);
  await done;
  return found;
}

async function pack(files: Record<string, string>, generatedDockerfile?: string) {
  const ctx = await contextDir(files);
  const found = await entries(await packContext({ repo: await RepoFiles.open({ root: ctx.dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', generatedDockerfile }));
  return { names: found.map((f) => f.name).sort(), text: (name: string) => found.find((f) => f.name === name)?.text };
}

test("with a generated Dockerfile: the repo's .s2iignore applied here, and sent as the .dockerignore", async () => {
  const found = await pack({ '.s2iignore': 'secret.txt\n', 'app.py': 'x', 'secret.txt': 's' }, 'FROM scratch\n');
  expect(found.names).toEqual(['.dockerignore', '.s2iignore', GENERATED_DOCKERFILE, 'app.py']);
  expect(found.text('.dockerignore')).toBe('secret.txt\n.slipway.Dockerfile\n.dockerignore\n');
  expect(found.text(GENERATED_DOCKERFILE)).toBe('FROM scratch\n');
});

// Seen in the corpus: a Quarkus project's .dockerignore keeps only target/ (its own Dockerfile
// expects a build made beforehand), which stripped pom.xml and src/ from the S2I build.
test("with a generated Dockerfile: the repo's .dockerignore is for its own Dockerfile, not applied", async () => {
  const found = await pack({ '.dockerignore': '*\n!target/*-runner\n!target/quarkus-app/*\n', 'pom.xml': '<project/>', 'src/Main.java': 'class Main {}' }, 'FROM scratch\n');
  expect(found.names).toEqual(['.dockerignore', GENERATED_DOCKERFILE, 'pom.xml', 'src/Main.java']);
  expect(found.text('.dockerignore')).toBe('.slipway.Dockerfile\n.dockerignore\n');
});

test('with a generated Dockerfile and no .s2iignore in the repo: a .dockerignore is sent', async () => {
  const found = await pack({ 'app.py': 'x' }, 'FROM scratch\n');
  expect(found.text('.dockerignore')).toBe('.slipway.Dockerfile\n.dockerignore\n');
});

test("the app's own Dockerfile build: its context as it is", async () => {
  const found = await pack({ '.dockerignore': 'secret.txt\n', 'Dockerfile': 'FROM scratch\n', 'secret.txt': 's' });
  expect(found.names).toEqual(['.dockerignore', 'Dockerfile']);
  expect(found.text('.dockerignore')).toBe('secret.txt\n');
});
