import { loadBuilders } from '../../../src/builds/builder-catalog.js';
import { chooseVersion } from '../../../src/builds/versions/choose-version.js';
import { PIN_READERS } from '../../../src/builds/versions/pin-readers.js';
import { SlipwayError } from '../../../src/errors.js';

// The version a build uses, from the app's pinned builder version, the repo's pin and the
// builder's offer, as builders/*/builder.json define them; the reason is what the build records.
const builders = loadBuilders();
const versionsOf = (name: string) => builders.find((b) => b.name === name)!.versions;
const pinOf = (builder: string, texts: Record<string, string>) => PIN_READERS[versionsOf(builder).of].read(texts);

describe('chooseVersion', () => {
  test.each<[string, string, string | undefined, Record<string, string>, { version: string; builderImage: string; runtimeImage: string; env?: Record<string, string>; reason: string }]>([
    ['no pin: the default', 'python', undefined, {}, { version: '3.11', builderImage: 'python:3.11-slim-bookworm', runtimeImage: 'python:3.11-slim-bookworm', reason: 'version: python 3.11 (default; no pin)' }],
    ['engines.node ^18', 'nodejs', undefined, { 'package.json': '{"engines":{"node":"^18"}}' }, { version: '18', builderImage: 'node:18-bookworm-slim', runtimeImage: 'node:18-bookworm-slim', reason: 'version: node 18 (engines.node in package.json "^18")' }],
    ['a range: the highest offered', 'nodejs', undefined, { 'package.json': '{"engines":{"node":">=16"}}' }, { version: '20', builderImage: 'node:20-bookworm-slim', runtimeImage: 'node:20-bookworm-slim', reason: 'version: node 20 (engines.node in package.json ">=16")' }],
    ['static builds with the pinned node', 'static', undefined, { '.nvmrc': '18' }, { version: '18', builderImage: 'node:18-bookworm-slim', runtimeImage: 'nginxinc/nginx-unprivileged:1.22', reason: 'version: node 18 (.nvmrc "18")' }],
    ['a pin Slipway does not read: the default', 'nodejs', undefined, { '.nvmrc': 'lts/argonaut' }, { version: '20', builderImage: 'node:20-bookworm-slim', runtimeImage: 'node:20-bookworm-slim', reason: 'version: node 20 (default; .nvmrc "lts/argonaut" is not a version Slipway reads)' }],
    ['runtime.txt in the offered line', 'python', undefined, { 'runtime.txt': 'python-3.11.4' }, { version: '3.11', builderImage: 'python:3.11-slim-bookworm', runtimeImage: 'python:3.11-slim-bookworm', reason: 'version: python 3.11 (runtime.txt "python-3.11.4")' }],
    ['the app pin beats the repo pin', 'nodejs', '18', { 'package.json': '{"engines":{"node":"20.x"}}' }, { version: '18', builderImage: 'node:18-bookworm-slim', runtimeImage: 'node:18-bookworm-slim', reason: 'version: node 18 (builder "nodejs:18" pinned on the app; engines.node in package.json "20.x" not used)' }],
    ['the app pin beats a repo pin that is not offered', 'python', '3.11', { 'runtime.txt': 'python-3.8.10' }, { version: '3.11', builderImage: 'python:3.11-slim-bookworm', runtimeImage: 'python:3.11-slim-bookworm', reason: 'version: python 3.11 (builder "python:3.11" pinned on the app; runtime.txt "python-3.8.10" not used)' }],
    ['java: a release below the JDK compiles on it', 'java', undefined, { 'pom.xml': '<project><properties><java.version>11</java.version></properties></project>' }, { version: '17', builderImage: 'maven:3.8-eclipse-temurin-17', runtimeImage: 'eclipse-temurin:17-jre', reason: 'version: java 17 (<java.version> in pom.xml "11")' }],
    ['go: an older directive builds on the image', 'go', undefined, { 'go.mod': 'module x\n\ngo 1.21\n' }, { version: '1.22', builderImage: 'golang:1.22-bookworm', runtimeImage: 'debian:bookworm-slim', reason: 'version: go 1.22 (go.mod "go 1.21")' }],
    [
      'go: a newer directive fetches its toolchain',
      'go',
      undefined,
      { 'go.mod': 'module x\n\ngo 1.23.4\n' },
      { version: '1.22', builderImage: 'golang:1.22-bookworm', runtimeImage: 'debian:bookworm-slim', env: { GOTOOLCHAIN: 'go1.23.4' }, reason: 'version: go 1.23.4 (go.mod "go 1.23.4"): GOTOOLCHAIN=go1.23.4, fetched from the Go module proxy, on golang:1.22-bookworm' },
    ],
    [
      'go: a newer version pinned on the app',
      'go',
      '1.24',
      {},
      { version: '1.22', builderImage: 'golang:1.22-bookworm', runtimeImage: 'debian:bookworm-slim', env: { GOTOOLCHAIN: 'go1.24.0' }, reason: 'version: go 1.24.0 (builder "go:1.24" pinned on the app): GOTOOLCHAIN=go1.24.0, fetched from the Go module proxy, on golang:1.22-bookworm' },
    ],
    ['go: an older version pinned on the app', 'go', '1.18', {}, { version: '1.22', builderImage: 'golang:1.22-bookworm', runtimeImage: 'debian:bookworm-slim', reason: 'version: go 1.22 (builder "go:1.18" pinned on the app)' }],
  ])('%s', (_name, builder, appVersion, texts, expected) => {
    const choice = chooseVersion({ builder, versions: versionsOf(builder), appVersion, pin: pinOf(builder, texts) });
    expect(choice).toEqual({ version: expected.version, images: { builder: expected.builderImage, runtime: expected.runtimeImage }, env: expected.env ?? {}, reason: expected.reason });
  });

  test.each<[string, string, string | undefined, Record<string, string>, string]>([
    ['an exact minor that is not offered', 'python', undefined, { 'runtime.txt': 'python-3.8.10' }, 'python 3.8.10 (from runtime.txt) is not available; available: 3.11'],
    ['.python-version', 'python', undefined, { '.python-version': '3.12' }, 'python 3.12 (from .python-version) is not available; available: 3.11'],
    ['a range that admits none', 'nodejs', undefined, { 'package.json': '{"engines":{"node":">=22"}}' }, 'node >=22 (from engines.node in package.json) is not available; available: 18, 20'],
    ['a BuildConfig builder tag', 'python', '3.8', {}, 'python 3.8 (from builder "python:3.8" pinned on the app) is not available; available: 3.11'],
    ['ruby', 'ruby', undefined, { Gemfile: "ruby '3.2.2'\n" }, 'ruby 3.2.2 (from ruby in Gemfile) is not available; available: 3.1'],
    ['java above the JDK', 'java', undefined, { 'pom.xml': '<project><properties><maven.compiler.release>21</maven.compiler.release></properties></project>' }, 'java 21 (from <maven.compiler.release> in pom.xml) is not available; available: 17'],
    ['php', 'php', undefined, { 'composer.json': '{"require":{"php":">=8.3"}}' }, 'php >=8.3 (from require.php in composer.json) is not available; available: 8.2'],
    ['java pinned on the app', 'java', '11', {}, 'java 11 (from builder "java:11" pinned on the app) is not available; available: 17'],
  ])('%s: BUILD_VERSION_UNAVAILABLE', (_name, builder, appVersion, texts, message) => {
    let thrown: unknown;
    try {
      chooseVersion({ builder, versions: versionsOf(builder), appVersion, pin: pinOf(builder, texts) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SlipwayError);
    expect(thrown).toMatchObject({ code: 'BUILD_VERSION_UNAVAILABLE', message });
  });
});

test('every builder offers its default version', () => {
  for (const b of builders) expect(Object.keys(b.versions.images)).toContain(b.versions.default);
  expect(Object.fromEntries(builders.map((b) => [b.name, Object.keys(b.versions.images)]))).toEqual({
    go: ['1.22'],
    java: ['17'],
    nodejs: ['18', '20'],
    php: ['8.2'],
    python: ['3.11'],
    ruby: ['3.1'],
    static: ['18', '20'],
  });
});
