import { readFileSync } from 'node:fs';
import { SlipwayError } from '../../src/errors.js';

/** A postgresql-persistent-like template (YAML), read as text the way a user's file would be. */
export const POSTGRESQL_PERSISTENT = readFileSync(new URL('./fixtures/postgresql-persistent.yaml', import.meta.url), 'utf8');

/** The SlipwayError `fn` throws; fails the test if it throws nothing or something else. */
export function errorOf(fn: () => unknown): SlipwayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SlipwayError) return err;
    throw err;
  }
  throw new Error('expected a SlipwayError, nothing was thrown');
}

/** Reads a nested value by path, so table rows can name the field they check. */
export function at(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** sclorg's nodejs-postgresql-persistent quickstart, unchanged (fixtures/NOTICE.md), as its file's text. */
export const NODEJS_POSTGRESQL_PERSISTENT = readFileSync(new URL('./fixtures/nodejs-postgresql-persistent.json', import.meta.url), 'utf8');
