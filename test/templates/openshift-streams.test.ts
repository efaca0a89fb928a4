import { loadOpenShiftSettings } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_OPENSHIFT_IMAGES, imageMap, streamBuilder, streamImage, tagVersion, type OpenShiftImages } from '../../src/templates/openshift-streams.js';
import { generatedRouteHost } from '../../src/templates/route-host.js';

// The `openshift` namespace's image streams (issue 16): tags → versions, the image map,
// builder streams → Slipway builder pins, generated Route hosts, and the settings behind them.

describe('tagVersion: the runtime version a stream tag names', () => {
  test.each<[string, string | undefined]>([
    ['12-el8', '12'],
    ['10-el7', '10'],
    ['3.8-ubi8', '3.8'],
    ['3.11-ubi9', '3.11'],
    ['22-ubi9', '22'],
    ['22-ubi9-minimal', '22'],
    ['20-minimal-ubi9', '20'],
    ['10.11-el9', '10.11'],
    ['8.0-el8', '8.0'],
    ['16-c9s', '16'],
    ['openjdk-17-ubi8', '17'],
    ['15', '15'],
    ['latest', undefined],
    ['', undefined],
    ['stable', undefined],
    ['c9s', undefined],
  ])('%s → %s', (tag, version) => {
    expect(tagVersion(tag)).toBe(version);
  });
});

describe('streamImage: the map entry for stream:tag, and a note when it carries another version', () => {
  const images: OpenShiftImages = {
    postgresql: { image: 'pg:15', version: '15' },
    'postgresql:12': { image: 'pg:12', version: '12' },
    'postgresql:13-el8': { image: 'pg:13-exact' },
    redis: { image: 'redis:any' },
  };
  test.each<[string, string, string, { image: string; note?: RegExp } | undefined]>([
    ['the version the stream carries', 'postgresql', '15-el9', { image: 'pg:15' }],
    ['a version entry', 'postgresql', '12-el8', { image: 'pg:12' }],
    ['an exact tag entry, as the user asked', 'postgresql', '13-el8', { image: 'pg:13-exact' }],
    ['another version: the stream entry, said', 'postgresql', '10-el8', { image: 'pg:15', note: /postgresql:10-el8 asks for version 10; deploying pg:15 \(version 15\): set SLIPWAY_OPENSHIFT_IMAGES "postgresql:10"/ }],
    ['latest: the stream entry, nothing to say', 'postgresql', 'latest', { image: 'pg:15' }],
    ['an entry without a version, asked for one', 'redis', '6-el8', { image: 'redis:any', note: /a version the map does not state/ }],
    ['a stream the map lacks', 'jenkins', '2', undefined],
  ])('%s', (_name, stream, tag, expected) => {
    const found = streamImage({ images, stream, tag });
    if (!expected) return expect(found).toBeUndefined();
    expect(found?.image).toBe(expected.image);
    if (expected.note) expect(found?.note).toMatch(expected.note);
    else expect(found?.note).toBeUndefined();
  });

  test('the default map has every standard stream of the openshift namespace, each with its version', () => {
    const streams = ['postgresql', 'mysql', 'mariadb', 'mongodb', 'redis', 'nodejs', 'python', 'ruby', 'php', 'perl', 'httpd', 'nginx', 'golang', 'java', 'openjdk', 'dotnet'];
    expect(Object.keys(DEFAULT_OPENSHIFT_IMAGES).sort()).toEqual(streams.sort());
    for (const entry of Object.values(DEFAULT_OPENSHIFT_IMAGES)) expect(entry).toEqual({ image: expect.stringMatching(/^[a-z0-9.]+\/[a-z0-9/._-]+$/), version: expect.stringMatching(/^\d/) });
  });
});

describe('streamBuilder: a BuildConfig\'s builder stream → the Slipway builder pin', () => {
  test.each<[string, string, ReturnType<typeof streamBuilder>]>([
    ['python', '3.8-ubi8', { builder: 'python:3.8' }],
    ['python', 'latest', { builder: 'python' }],
    ['nodejs', '22-ubi9', { builder: 'nodejs:22' }],
    ['nodejs', '20-ubi9-minimal', { builder: 'nodejs:20' }],
    ['ruby', '3.3-ubi9', { builder: 'ruby:3.3' }],
    ['php', '8.2-ubi9', { builder: 'php:8.2' }],
    ['golang', '1.22-ubi9', { builder: 'go:1.22' }],
    ['java', 'openjdk-17-ubi8', { builder: 'java:17' }],
    ['openjdk', '21-ubi9', { builder: 'java:21' }],
    ['ubi8-openjdk-17', '1.18', { builder: 'java:17' }],
    ['ubi9-openjdk-21-runtime', 'latest', { builder: 'java:21' }],
    ['httpd', '2.4-el8', { builder: 'static', note: expect.stringContaining('the httpd version is not carried') }],
    ['nginx', 'latest', { builder: 'static' }],
    ['perl', '5.32-ubi8', { unsupported: expect.stringContaining('perl:5.32-ubi8 has no Slipway builder') }],
    ['dotnet', '8.0-ubi8', { unsupported: expect.stringContaining('dotnet:8.0-ubi8 has no Slipway builder') }],
    ['postgresql', '12-el8', undefined],
    ['my-builder', 'v1', undefined],
  ])('%s:%s', (stream, tag, expected) => {
    expect(streamBuilder(stream, tag)).toEqual(expected);
  });
});

describe('generatedRouteHost: <route>-<namespace>.<apps domain>, as OpenShift\'s router', () => {
  test.each<[string, Parameters<typeof generatedRouteHost>[0], ReturnType<typeof generatedRouteHost>]>([
    ['route, namespace and domain', { route: 'web', namespace: 'shop', appsDomain: 'apps.example.com' }, { host: 'web-shop.apps.example.com' }],
    ['no apps domain', { route: 'web', namespace: 'shop' }, { none: 'SLIPWAY_APPS_DOMAIN is not set' }],
    ['no namespace', { route: 'web', appsDomain: 'apps.example.com' }, { none: 'no namespace to name the host after' }],
    ['a first label of 63 characters', { route: 'r'.repeat(40), namespace: 'n'.repeat(22), appsDomain: 'a.b' }, { host: `${'r'.repeat(40)}-${'n'.repeat(22)}.a.b` }],
    ['a first label of 64 characters', { route: 'r'.repeat(40), namespace: 'n'.repeat(23), appsDomain: 'a.b' }, { none: expect.stringContaining('longer than 63 characters') }],
  ])('%s', (_name, params, expected) => {
    expect(generatedRouteHost(params)).toEqual(expected);
  });
});

describe('loadOpenShiftSettings: SLIPWAY_OPENSHIFT_IMAGES over the default map, SLIPWAY_APPS_DOMAIN', () => {
  test('unset: the default map and no apps domain', () => {
    expect(loadOpenShiftSettings({})).toEqual({ images: {} });
    expect(imageMap({})).toEqual(DEFAULT_OPENSHIFT_IMAGES);
  });

  test('entries that replace or add to the default map, a string or {image, version}; the domain is lower-cased', () => {
    const settings = loadOpenShiftSettings({
      SLIPWAY_OPENSHIFT_IMAGES: JSON.stringify({ postgresql: { image: 'registry.local/pg@sha256:' + 'a'.repeat(64), version: '15' }, 'postgresql:12': 'registry.local/pg:12' }),
      SLIPWAY_APPS_DOMAIN: 'Apps.Example.COM.',
    });
    expect(settings.appsDomain).toBe('apps.example.com');
    expect(settings.images.postgresql).toEqual({ image: 'registry.local/pg@sha256:' + 'a'.repeat(64), version: '15' });
    expect(settings.images['postgresql:12']).toEqual({ image: 'registry.local/pg:12' });
    expect(Object.keys(settings.images)).toEqual(['postgresql', 'postgresql:12']);
    // Translation reads the install's entries over the defaults.
    expect(imageMap(settings.images)).toEqual({ ...DEFAULT_OPENSHIFT_IMAGES, postgresql: settings.images.postgresql, 'postgresql:12': settings.images['postgresql:12'] });
  });

  test('a file path holding the JSON', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/slipway-openshift-images-');
    await writeFile(`${dir}/images.json`, JSON.stringify({ mariadb: 'registry.local/mariadb:10.11' }));
    expect(loadOpenShiftSettings({ SLIPWAY_OPENSHIFT_IMAGES: `${dir}/images.json` }).images.mariadb).toEqual({ image: 'registry.local/mariadb:10.11' });
  });

  test.each([
    ['not JSON', { SLIPWAY_OPENSHIFT_IMAGES: '{postgresql: x}' }, /SLIPWAY_OPENSHIFT_IMAGES must be a JSON object/],
    ['an array', { SLIPWAY_OPENSHIFT_IMAGES: '["postgresql"]' }, /must be a JSON object of "stream" or "stream:version" → image/],
    ['a bad key', { SLIPWAY_OPENSHIFT_IMAGES: '{"Postgres SQL": "x"}' }, /invalid key "Postgres SQL"/],
    ['an image with a space', { SLIPWAY_OPENSHIFT_IMAGES: '{"postgresql": "pg 15"}' }, /"postgresql" must be an image reference/],
    ['a number for a version', { SLIPWAY_OPENSHIFT_IMAGES: '{"postgresql": {"image": "pg", "version": 15}}' }, /version must be a string/],
    ['a file that is not there', { SLIPWAY_OPENSHIFT_IMAGES: '/nonexistent/images.json' }, /names a file that cannot be read: ENOENT/],
    ['an apps domain that is no DNS name', { SLIPWAY_APPS_DOMAIN: 'apps_example.com' }, /SLIPWAY_APPS_DOMAIN must be a DNS name/],
  ])('%s: a ConfigError naming the variable', (_name, env, message) => {
    expect(() => loadOpenShiftSettings(env)).toThrow(ConfigError);
    expect(() => loadOpenShiftSettings(env)).toThrow(message);
  });
});
