import type { PinReader, VersionPin } from './version-pin.js';
import { parseRange } from './version-range.js';

/**
 * Java: the release a Maven build compiles for, from pom.xml: `maven.compiler.release`,
 * Spring Boot's `java.version`, `maven.compiler.source`/`target`, or the compiler plugin's
 * `<release>`. A minimum: a JDK compiles for its own release and every earlier one.
 */
const PROPERTIES = ['maven.compiler.release', 'java.version', 'maven.compiler.source', 'maven.compiler.target'];

export const javaPin: PinReader = {
  files: ['pom.xml'],
  read: (texts) => {
    const pom = texts['pom.xml'] && withoutComments(texts['pom.xml']);
    if (!pom) return undefined;
    const properties = between({ text: pom, open: '<properties>', close: '</properties>' }) ?? '';
    // `[^<]*`, trimmed after: no two whitespace runs around a lazy group to backtrack over in a hostile pom.
    const property = (name: string) => new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]*)</${name.replace(/\./g, '\\.')}>`).exec(properties)?.[1].trim() || undefined;
    for (const name of PROPERTIES) {
      const value = property(name);
      if (value) return releasePin({ source: `<${name}> in pom.xml`, value, property });
    }
    const plugin = between({ text: pom, open: '<release>', close: '</release>', after: '<artifactId>maven-compiler-plugin</artifactId>' })?.trim();
    return plugin ? releasePin({ source: 'maven-compiler-plugin <release> in pom.xml', value: plugin, property }) : undefined;
  },
};

function releasePin(params: { source: string; value: string; property: (name: string) => string | undefined }): VersionPin {
  const { source, property } = params;
  // `${java.version}`: one level of property reference, as poms write it.
  const value = params.value.replace(/^\$\{([^}]+)\}$/, (whole, name: string) => property(name) ?? whole);
  // `1.8` is Java 8.
  const release = /^(?:1\.)?(\d+)$/.exec(value)?.[1];
  return { source, text: value, range: release ? parseRange(`>=${release}`, 'npm') : undefined };
}

// Plain scans rather than lazy regexes: a hostile pom with many unclosed openers costs one pass, not one per opener.

function withoutComments(text: string): string {
  let out = '';
  let at = 0;
  for (let start = text.indexOf('<!--'); start !== -1; start = text.indexOf('<!--', at)) {
    out += text.slice(at, start);
    const end = text.indexOf('-->', start + 4);
    if (end === -1) return out;
    at = end + 3;
  }
  return out + text.slice(at);
}

/** The text between the first `open` (after `after`, when given) and the `close` following it. */
function between(params: { text: string; open: string; close: string; after?: string }): string | undefined {
  const { text, open, close, after } = params;
  const from = after === undefined ? 0 : text.indexOf(after);
  if (from === -1) return undefined;
  const start = text.indexOf(open, from);
  if (start === -1) return undefined;
  const end = text.indexOf(close, start + open.length);
  return end === -1 ? undefined : text.slice(start + open.length, end);
}
