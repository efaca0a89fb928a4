import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { BuilderDefinition } from './builder-definition.js';
import { parseBuilderRef } from './versions/builder-ref.js';

export function loadBuilders(dir = path.join(packageRoot(), 'builders')): BuilderDefinition[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'builder.json')))
    .map((entry) => {
      const folder = path.join(dir, entry.name);
      const json = JSON.parse(readFileSync(path.join(folder, 'builder.json'), 'utf8')) as Omit<BuilderDefinition, 'dir' | 'template' | 'images'>;
      const images = json.versions.images[json.versions.default];
      if (!images) throw new Error(`${folder}/builder.json: versions.default "${json.versions.default}" is not one of versions.images`);
      return { ...json, images, localImages: json.localImages ?? {}, dir: folder, template: readFileSync(path.join(folder, 'Dockerfile.tpl'), 'utf8') };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

let installed: string[] | undefined;

/**
 * A builder an app may pin, `name` or `name:version`, checked against builders/ when the app
 * is saved. Only the name must exist: whether the version is offered is the build's question
 * (BUILD_VERSION_UNAVAILABLE), so a template whose BuildConfig asks for `python:3.8` still
 * provisions and its build says what is missing.
 */
export function knownBuilder(ref: string): string {
  installed ??= loadBuilders().map((b) => b.name);
  const parsed = parseBuilderRef(ref);
  if (!parsed) throw new ValidationError(`builder "${ref}" is neither a builder name nor name:version (e.g. python:3.11)`, { field: 'builder', builders: installed });
  if (!installed.includes(parsed.name)) throw new ValidationError(`builder "${parsed.name}" does not exist; builders: ${installed.join(', ')}`, { field: 'builder', builders: installed });
  return ref;
}
