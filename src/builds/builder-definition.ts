import type { BuilderImages } from '../config.js';

/** A builder as defined by builders/<name>/builder.json. */
export interface BuilderDefinition {
  name: string;
  description: string;
  /** Marker files at the context's top level; lower `order` is tried first. */
  detect: { files: string[]; order?: number };
  images: { builder: string; runtime: string };
  /** Public image → Dockerfile (in the builder's folder) that builds its local stand-in. */
  localImages: Record<string, string>;
  port: number;
  dir: string;
  template: string;
}

/** Stand-ins for public images are tagged `slipway-local/<public name>` by test/env/images.sh. */
export const LOCAL_IMAGE_PREFIX = 'slipway-local/';

/** The image a build uses: the public one, or its local stand-in when configured. */
export function resolveImage(image: string, mode: BuilderImages): string {
  return mode === 'local' ? `${LOCAL_IMAGE_PREFIX}${image}` : image;
}
