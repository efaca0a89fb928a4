import type { PlanInput } from '../plan.js';
import { PIN_READERS } from './pin-readers.js';
import type { VersionPin } from './version-pin.js';

/** The repo's pin of a runtime (`versions.of`), from the files at the context's top level. */
export async function readVersionPin(params: { of: string; input: Pick<PlanInput, 'files' | 'read'> }): Promise<VersionPin | undefined> {
  const { of, input } = params;
  const reader = PIN_READERS[of];
  if (!reader) return undefined;
  const present = reader.files.filter((f) => input.files.includes(f));
  const texts = Object.fromEntries(await Promise.all(present.map(async (f) => [f, await input.read(f)] as const)));
  return reader.read(texts);
}
