import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { BuilderDefinition } from './builder-definition.js';

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

let installed: string[] | undefined;

/** A builder name an app may pin, checked against builders/ when the app is saved. */
export function knownBuilder(name: string): string {
  installed ??= loadBuilders().map((b) => b.name);
  if (!installed.includes(name)) throw new ValidationError(`builder "${name}" does not exist; builders: ${installed.join(', ')}`, { field: 'builder', builders: installed });
  return name;
}
