import type { PinReader, VersionPin } from './version-pin.js';
import { parseRange } from './version-range.js';

/** nvm's names for LTS lines (`lts/hydrogen` in an .nvmrc). */
const LTS_LINES: Record<string, string> = { argon: '4', boron: '6', carbon: '8', dubnium: '10', erbium: '12', fermium: '14', gallium: '16', hydrogen: '18', iron: '20', jod: '22' };

/** Node.js: `engines.node` in package.json (the app's stated requirement), then .nvmrc, then .node-version. */
export const nodePin: PinReader = {
  files: ['package.json', '.nvmrc', '.node-version'],
  read: (texts) => enginesNode(texts['package.json']) ?? versionFile('.nvmrc', texts['.nvmrc']) ?? versionFile('.node-version', texts['.node-version']),
};

function enginesNode(text: string | undefined): VersionPin | undefined {
  let engines: unknown;
  try {
    engines = (JSON.parse(text ?? 'null') as { engines?: unknown } | null)?.engines;
  } catch {
    return undefined; // The planner reports a broken package.json.
  }
  const node = engines && typeof engines === 'object' ? (engines as Record<string, unknown>).node : undefined;
  if (typeof node !== 'string' || !node.trim()) return undefined;
  return { source: 'engines.node in package.json', text: node.trim(), range: parseRange(node.trim(), 'npm') };
}

function versionFile(source: string, text: string | undefined): VersionPin | undefined {
  const line = text?.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).find(Boolean);
  if (!line) return undefined;
  const alias = line.toLowerCase();
  // `node`, `stable`, `lts/*`: the newest there is, here the newest offered.
  if (['node', 'stable', 'latest', 'current', 'lts/*'].includes(alias)) return { source, text: line, range: parseRange('*', 'npm') };
  const lts = /^lts\/(.+)$/.exec(alias);
  if (lts) return { source, text: line, range: LTS_LINES[lts[1]] ? parseRange(LTS_LINES[lts[1]], 'npm') : undefined };
  return { source, text: line, range: parseRange(line, 'npm') };
}
