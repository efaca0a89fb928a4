import path from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import * as tar from 'tar-fs';
import { SlipwayError } from '../errors.js';
import type { RepoFiles } from './repo-files.js';

export const GENERATED_DOCKERFILE = '.slipway.Dockerfile';

/**
 * Tars a build context as the docker CLI would: the ignore file applied on this side (the
 * classic builder expects a filtered context), `.git` never sent. The ignore file is the
 * repo's `.dockerignore` for its own Dockerfile, and `.s2iignore` for an S2I builder, as
 * OpenShift's s2i reads it: a `.dockerignore` is written for the repo's own Dockerfile (a
 * Quarkus project's keeps only `target/`, which that Dockerfile expects built already) and
 * would strip the sources an S2I build needs. A generated Dockerfile is
 * added as an entry of the archive, so the checkout itself is never modified; and so that
 * `COPY . .` never puts it in the image, the archive's `.dockerignore` names it: the engine
 * reads the Dockerfile, then drops from the context the Dockerfile and the `.dockerignore`
 * when the `.dockerignore` lists them (as `docker build` does with a Dockerfile it ignores).
 *
 * The context dir is resolved inside the checkout (a link to a worker directory is refused,
 * nothing of it packed), and links inside it are packed as links, never followed: the engine
 * resolves them within the build context, so `COPY` of a link to /etc/passwd copies a link.
 */
export async function packContext(params: { repo: RepoFiles; contextDir: string; generatedDockerfile?: string }): Promise<Readable> {
  const { repo, generatedDockerfile } = params;
  const context = await repo.directory(params.contextDir);
  if (!context) throw new SlipwayError('BUILD_REPO_INVALID', `context dir "${params.contextDir}" does not exist`, { file: params.contextDir, why: 'it does not exist' });
  // CommonJS module whose factory is also its own `.default`: the form both loaders agree on.
  const rules = dockerignore.default().add(['.git']);
  const ignoreText = await repo.read(path.posix.join(context.relative, generatedDockerfile === undefined ? DOCKERIGNORE : S2IIGNORE));
  if (ignoreText !== undefined) rules.add(ignoreText.split('\n'));
  const archive = tar.pack(context.path, {
    dereference: false,
    strict: true,
    ignore: (name) => {
      const relative = path.relative(context.path, name).split(path.sep).join('/');
      // With a generated Dockerfile, the archive's .dockerignore is the one written below.
      if (generatedDockerfile !== undefined && relative === DOCKERIGNORE) return true;
      return relative !== '' && rules.ignores(relative);
    },
    finalize: generatedDockerfile === undefined,
    finish: (pack) => {
      if (generatedDockerfile === undefined) return;
      pack.entry({ name: GENERATED_DOCKERFILE, mode: 0o644 }, generatedDockerfile);
      pack.entry({ name: DOCKERIGNORE, mode: 0o644 }, contextIgnore(ignoreText));
      pack.finalize();
    },
  });
  // tar-stream's pack is a streamx Readable: pipe-compatible, which is all dockerode needs.
  return archive as unknown as Readable;
}

const DOCKERIGNORE = '.dockerignore';
const S2IIGNORE = '.s2iignore';

/**
 * The `.dockerignore` sent beside a generated Dockerfile: the `.s2iignore` lines, then the generated
 * Dockerfile and the `.dockerignore` itself, last so that no `!` exception of the repo's
 * brings them back: neither is the app's business at run time.
 */
export function contextIgnore(repoText: string | undefined): string {
  const repoLines = repoText === undefined ? [] : repoText.replace(/\n$/, '').split('\n');
  return [...repoLines, GENERATED_DOCKERFILE, DOCKERIGNORE].join('\n') + '\n';
}
