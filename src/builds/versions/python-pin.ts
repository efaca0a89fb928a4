import { tomlValue } from './toml-value.js';
import type { PinReader, VersionPin } from './version-pin.js';
import { parseRange } from './version-range.js';

/**
 * Python: .python-version (pyenv, uv), runtime.txt (`python-3.11.4`, Heroku's), Pipfile
 * `[requires] python_version` / `python_full_version`, then the range in pyproject.toml:
 * PEP 621 `requires-python`, or Poetry's `python` dependency.
 */
export const pythonPin: PinReader = {
  files: ['.python-version', 'runtime.txt', 'Pipfile', 'pyproject.toml'],
  read: (texts) => pythonVersionFile(texts['.python-version']) ?? runtimeTxt(texts['runtime.txt']) ?? pipfile(texts.Pipfile) ?? pyproject(texts['pyproject.toml']),
};

const EXACT = /^\d+(\.\d+)*$/;

function pythonVersionFile(text: string | undefined): VersionPin | undefined {
  const line = firstLine(text);
  if (!line) return undefined;
  // pyenv also names other interpreters (`pypy3.9`, `system`): not a CPython version Slipway offers.
  return { source: '.python-version', text: line, range: EXACT.test(line) ? parseRange(line, 'npm') : undefined };
}

function runtimeTxt(text: string | undefined): VersionPin | undefined {
  const line = firstLine(text);
  if (!line) return undefined;
  const version = /^python-(\d+(?:\.\d+)*)$/.exec(line)?.[1];
  return { source: 'runtime.txt', text: line, range: version ? parseRange(version, 'npm') : undefined };
}

function pipfile(text: string | undefined): VersionPin | undefined {
  if (!text) return undefined;
  for (const key of ['python_full_version', 'python_version']) {
    const value = tomlValue({ text, section: 'requires', key });
    if (value) return { source: `[requires] ${key} in Pipfile`, text: value, range: EXACT.test(value) ? parseRange(value, 'npm') : undefined };
  }
  return undefined;
}

function pyproject(text: string | undefined): VersionPin | undefined {
  if (!text) return undefined;
  const pep621 = tomlValue({ text, section: 'project', key: 'requires-python' });
  if (pep621) return { source: 'requires-python in pyproject.toml', text: pep621, range: parseRange(pep621, 'pep440') };
  // Poetry writes npm-like ranges (`^3.9`, `~3.10`), its ANDs with commas.
  const poetry = tomlValue({ text, section: 'tool.poetry.dependencies', key: 'python' });
  if (poetry) return { source: 'python in [tool.poetry.dependencies] of pyproject.toml', text: poetry, range: parseRange(poetry.replace(/,/g, ' '), 'npm') };
  return undefined;
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).find(Boolean);
}
