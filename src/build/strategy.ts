import { SlipwayError } from '../errors.js';
import type { Strategy } from '../store/types.js';
import type { BuilderDefinition } from './builder-catalog.js';

export interface StrategyChoice extends Strategy {
  /** Docker strategy: the Dockerfile path relative to the context dir. */
  dockerfile?: string;
  builder?: BuilderDefinition;
}

const DOCKERFILES = ['Dockerfile', 'Containerfile'];

/**
 * Picks how to build a context from the files at its top level: the app's own Dockerfile
 * path if set, else a Dockerfile/Containerfile, else the first S2I builder whose marker
 * files are present. The reasons say which files decided, so users can see why.
 */
export function detectStrategy(params: { files: string[]; dockerfile?: string; builders: BuilderDefinition[] }): StrategyChoice {
  const { files, dockerfile, builders } = params;
  const present = new Set(files);
  if (dockerfile) return { name: 'docker', dockerfile, reasons: [`dockerfile "${dockerfile}" set on the app`] };
  const found = DOCKERFILES.find((f) => present.has(f));
  if (found) return { name: 'docker', dockerfile: found, reasons: [`${found} found`] };
  for (const builder of builders) {
    const markers = builder.detect.files.filter((f) => present.has(f));
    if (markers.length > 0) return { name: builder.name, builder, reasons: markers.map((f) => `${f} found`) };
  }
  const looked = [...DOCKERFILES, ...builders.flatMap((b) => b.detect.files)];
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', `no Dockerfile and no builder matches: looked for ${looked.join(', ')}`, { looked });
}
