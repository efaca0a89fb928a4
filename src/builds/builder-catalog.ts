import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { BuilderImages } from '../config.js';
import { ValidationError } from '../errors.js';
import { packageRoot } from '../paths.js';

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

export function loadBuilders(dir = path.join(packageRoot(), 'builders')): BuilderDefinition[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'builder.json')))
    .map((entry) => {
      const folder = path.join(dir, entry.name);
      const json = JSON.parse(readFileSync(path.join(folder, 'builder.json'), 'utf8')) as Omit<BuilderDefinition, 'dir' | 'template'>;
      return { ...json, localImages: json.localImages ?? {}, dir: folder, template: readFileSync(path.join(folder, 'Dockerfile.tpl'), 'utf8') };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The image a build uses: the public one, or its local stand-in when configured. */
export function resolveImage(image: string, mode: BuilderImages): string {
  return mode === 'local' ? `${LOCAL_IMAGE_PREFIX}${image}` : image;
}

let installed: string[] | undefined;

/** A builder name an app may pin, checked against builders/ when the app is saved. */
export function knownBuilder(name: string): string {
  installed ??= loadBuilders().map((b) => b.name);
  if (!installed.includes(name)) throw new ValidationError(`builder "${name}" does not exist; builders: ${installed.join(', ')}`, { field: 'builder', builders: installed });
  return name;
}
