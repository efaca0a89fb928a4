import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuilderImages } from '../config.js';
import { SlipwayError } from '../errors.js';
import { resolveImage, type BuilderDefinition } from './builder-catalog.js';
import { planNodejs } from './builders/nodejs.js';
import { renderTemplate } from './dockerfile-template.js';

type Planner = (params: { contextDir: string; files: string[] }) => Promise<Record<string, string>>;

/** Per builder: the template values that depend on the app's own files. */
const PLANNERS: Record<string, Planner> = {
  nodejs: async ({ contextDir, files }) => {
    const plan = planNodejs({ packageJson: await readFile(path.join(contextDir, 'package.json'), 'utf8'), files });
    return { ...plan, manifests: plan.manifests.join(' ') };
  },
};

/** Renders the multi-stage Dockerfile for an S2I builder and the app's context. */
export async function generateDockerfile(params: { builder: BuilderDefinition; contextDir: string; files: string[]; images: BuilderImages; port: number }): Promise<string> {
  const { builder, contextDir, files, images, port } = params;
  const planner = PLANNERS[builder.name];
  if (!planner) throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', `builder "${builder.name}" has no planner`);
  return renderTemplate(builder.template, {
    builderImage: resolveImage(builder.images.builder, images),
    runtimeImage: resolveImage(builder.images.runtime, images),
    port: String(port),
    ...(await planner({ contextDir, files })),
  });
}
