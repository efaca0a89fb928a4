import type { PinReader, VersionPin } from './version-pin.js';
import { parseRange } from './version-range.js';

/** Ruby: the Gemfile's `ruby` line (what Bundler enforces), then .ruby-version. */
export const rubyPin: PinReader = {
  files: ['Gemfile', '.ruby-version'],
  read: (texts) => gemfileRuby(texts.Gemfile, texts['.ruby-version']) ?? rubyVersionFile(texts['.ruby-version']),
};

function gemfileRuby(text: string | undefined, rubyVersion: string | undefined): VersionPin | undefined {
  const line = text?.split(/\r?\n/).find((l) => /^\s*ruby[\s(]/.test(l));
  if (!line) return undefined;
  // `ruby file: ".ruby-version"` (Bundler 2.4+) defers to that file.
  if (/\bfile:/.test(line)) return rubyVersionFile(rubyVersion);
  // `ruby "3.1.2"`, `ruby "~> 3.1"`, `ruby ">= 3.0", "< 3.3", engine: ...`: the quoted requirements.
  const requirements = [...line.replace(/#.*/, '').matchAll(/(["'])([^"']*)\1/g)].map((m) => m[2].trim()).filter((r) => /^(~>|>=|<=|!=|>|<|=)?\s*\d/.test(r));
  if (!requirements.length) return undefined;
  const written = requirements.join(', ');
  return { source: 'ruby in Gemfile', text: written, range: parseRange(written, 'gem') };
}

function rubyVersionFile(text: string | undefined): VersionPin | undefined {
  const line = text?.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).find(Boolean);
  if (!line) return undefined;
  // `3.1.2` or `ruby-3.1.2`; `jruby-9.4` and the like are other interpreters.
  const version = /^(?:ruby-)?(\d+(?:\.\d+)*)/.exec(line)?.[1];
  return { source: '.ruby-version', text: line, range: version ? parseRange(version, 'npm') : undefined };
}
