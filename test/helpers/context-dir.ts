import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A build context on disk from `{ relative path: text }`; returns it and its top-level names. */
export async function contextDir(files: Record<string, string>): Promise<{ dir: string; files: string[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-context-'));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return { dir, files: [...new Set(Object.keys(files).map((f) => f.split('/')[0]!))] };
}
