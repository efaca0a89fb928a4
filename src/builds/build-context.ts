import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import * as tar from 'tar-fs';

export const GENERATED_DOCKERFILE = '.slipway.Dockerfile';

/**
 * Tars a build context as the docker CLI would: `.dockerignore` applied on this side (the
 * classic builder expects a filtered context), `.git` never sent. A generated Dockerfile is
 * added as an entry of the archive, so the checkout itself is never modified.
 */
export function packContext(params: { contextDir: string; generatedDockerfile?: string }): Readable {
  const { contextDir, generatedDockerfile } = params;
  const ignoreFile = path.join(contextDir, '.dockerignore');
  // CommonJS module whose factory is also its own `.default`: the form both loaders agree on.
  const rules = dockerignore.default().add(['.git']);
  if (existsSync(ignoreFile)) rules.add(readFileSync(ignoreFile, 'utf8').split('\n'));
  const archive = tar.pack(contextDir, {
    ignore: (name) => {
      const relative = path.relative(contextDir, name);
      return relative !== '' && rules.ignores(relative.split(path.sep).join('/'));
    },
    finalize: generatedDockerfile === undefined,
    finish: (pack) => {
      if (generatedDockerfile === undefined) return;
      pack.entry({ name: GENERATED_DOCKERFILE, mode: 0o644 }, generatedDockerfile);
      pack.finalize();
    },
  });
  // tar-stream's pack is a streamx Readable: pipe-compatible, which is all dockerode needs.
  return archive as unknown as Readable;
}
