import { SlipwayError } from '../errors.js';
import type { Strategy } from '../store/types.js';
import type { BuilderDefinition } from './builder-definition.js';
import { staticSiteBuild } from './builders/static-site.js';
import { parseBuilderRef } from './versions/builder-ref.js';

export interface StrategyChoice extends Strategy {
  /** Docker strategy: the Dockerfile path relative to the context dir. */
  dockerfile?: string;
  builder?: BuilderDefinition;
  /** The runtime version pinned on the app with its builder (`3.11` of `python:3.11`). */
  version?: string;
}

const DOCKERFILES = ['Dockerfile', 'Containerfile'];

/** Top-level files whose text detection looks into; the caller reads those that exist. */
export const DETECT_READS = ['package.json'] as const;

interface DetectContext {
  present: Set<string>;
  texts: Partial<Record<(typeof DETECT_READS)[number], string>>;
}

/**
 * Builders whose marker files are not enough on their own. A package.json is a static site
 * only when its build produces one (else it is the nodejs builder's); index.html makes a
 * static site only when there is no package.json (a Vite app has both).
 */
const REFINE: Record<string, (ctx: DetectContext) => string[] | undefined> = {
  static: ({ present, texts }) => {
    if (present.has('package.json')) {
      const site = staticSiteBuild(texts['package.json']);
      return site ? [site.reason] : undefined;
    }
    return present.has('index.html') ? ['index.html found'] : undefined;
  },
};

/**
 * Picks how to build a context from the files at its top level, in this order: the app's
 * own Dockerfile path; a builder pinned on the app; a Dockerfile/Containerfile; the first
 * S2I builder, by `detect.order`, whose marker files are present. A pinned builder may carry
 * a runtime version (`python:3.11`), returned as `version`: whether it is offered is decided
 * with the repo's own pins when the Dockerfile is generated. Detection's order puts python,
 * java, go, ruby and php before nodejs, so an app with a package.json for its front-end
 * assets is still built for its server language. The reasons name the files that decided.
 */
export function detectStrategy(params: {
  files: string[];
  dockerfile?: string;
  builder?: string;
  builders: BuilderDefinition[];
  /** The text of those DETECT_READS files that exist. */
  texts?: DetectContext['texts'];
}): StrategyChoice {
  const { files, dockerfile, builders } = params;
  const present = new Set(files);
  if (dockerfile) return { name: 'docker', dockerfile, reasons: [`dockerfile "${dockerfile}" set on the app`] };
  if (params.builder) {
    const ref = parseBuilderRef(params.builder);
    const pinned = ref && builders.find((b) => b.name === ref.name);
    if (!pinned) {
      const known = builders.map((b) => b.name).sort();
      throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', `builder "${params.builder}" pinned on the app does not exist; builders: ${known.join(', ')}`, { builder: params.builder, builders: known });
    }
    return { name: pinned.name, builder: pinned, ...(ref.version ? { version: ref.version } : {}), reasons: [`builder "${params.builder}" pinned on the app`] };
  }
  const found = DOCKERFILES.find((f) => present.has(f));
  if (found) return { name: 'docker', dockerfile: found, reasons: [`${found} found`] };
  const ctx: DetectContext = { present, texts: params.texts ?? {} };
  for (const builder of inDetectionOrder(builders)) {
    const refine = REFINE[builder.name];
    const reasons = refine ? refine(ctx) : builder.detect.files.filter((f) => present.has(f)).map((f) => `${f} found`);
    if (reasons?.length) return { name: builder.name, builder, reasons };
  }
  const looked = [...DOCKERFILES, ...new Set(inDetectionOrder(builders).flatMap((b) => b.detect.files))];
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', `no Dockerfile and no builder matches: looked for ${looked.join(', ')}`, { looked });
}

/** Lower `detect.order` first; builders without one last; ties by name, so the order never depends on the folder listing. */
function inDetectionOrder(builders: BuilderDefinition[]): BuilderDefinition[] {
  const order = (b: BuilderDefinition) => b.detect.order ?? Number.MAX_SAFE_INTEGER;
  return [...builders].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
}
