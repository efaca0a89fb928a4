import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PlanInput } from './plan.js';

/** The planners' view of a checkout on disk: its context dir's files, read on demand. */
export function checkoutReader(contextDir: string, files: string[]): PlanInput {
  return {
    contextDir,
    files,
    read: (file) => readFile(path.join(contextDir, file), 'utf8').catch(() => undefined),
    list: (dir) => readdir(path.join(contextDir, dir)).then((names) => names.sort(), () => []),
  };
}
