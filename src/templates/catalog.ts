import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SlipwayError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { parseTemplate } from './parse-template.js';
import type { Template } from './types.js';

const NAME = /^[a-z0-9][a-z0-9-]*$/;

function templatesDir(): string {
  return path.join(packageRoot(), 'templates');
}

/** The built-in templates shipped in templates/, sorted by name. */
export async function listBuiltInTemplates(): Promise<Template[]> {
  const files = (await readdir(templatesDir())).filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(files.map(async (f) => parseTemplate(await readFile(path.join(templatesDir(), f), 'utf8'), `templates/${f}`)));
}

export async function builtInTemplate(name: string): Promise<Template> {
  if (!NAME.test(name)) throw new SlipwayError('TEMPLATE_NOT_FOUND', `"${name}" is not a template name`, { template: name });
  const file = path.join(templatesDir(), `${name}.yaml`);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new SlipwayError('TEMPLATE_NOT_FOUND', `no built-in template "${name}"`, { template: name });
  });
  return parseTemplate(text, `templates/${name}.yaml`);
}
