import { checkRoutes } from '../../src/store/route-rules.js';
import type { DeployConfig } from '../../src/store/types.js';

type Routes = Pick<DeployConfig, 'host' | 'routes' | 'tls'>;

describe('checkRoutes', () => {
  test.each<[string, Routes]>([
    ['nothing', {}],
    ['host and routes on other paths', { host: 'a.io', routes: [{ host: 'a.io', path: '/api' }, { host: 'b.io' }] }],
    ['the same path on two hosts', { routes: [{ host: 'a.io', path: '/x' }, { host: 'b.io', path: '/x' }] }],
    ['TLS per host, one issuer used twice', { host: 'a.io', routes: [{ host: 'b.io' }], tls: [{ host: 'a.io', issuer: { kind: 'ClusterIssuer', name: 'le' } }, { host: 'b.io', issuer: { kind: 'ClusterIssuer', name: 'le' } }] }],
    ['a Secret for one host, an issuer for another', { host: 'a.io', routes: [{ host: 'b.io' }], tls: [{ host: 'a.io', secretName: 's' }, { host: 'b.io', issuer: { kind: 'Issuer', name: 'ca' } }] }],
  ])('accepts %s', (_name, config) => {
    expect(() => checkRoutes(config)).not.toThrow();
  });

  test.each<[string, Routes, string, RegExp]>([
    ['a route repeating host at /', { host: 'a.io', routes: [{ host: 'a.io', path: '/' }] }, 'routes.0', /routed twice/],
    ['a route given twice (default path)', { routes: [{ host: 'a.io' }, { host: 'a.io', path: '/' }] }, 'routes.1', /routed twice/],
    ['TLS for a host with no route', { host: 'a.io', tls: [{ host: 'b.io', secretName: 's' }] }, 'tls.0', /no route/],
    ['TLS twice for a host', { host: 'a.io', tls: [{ host: 'a.io', secretName: 's' }, { host: 'a.io', secretName: 't' }] }, 'tls.1', /given twice/],
    ['TLS with neither Secret nor issuer', { host: 'a.io', tls: [{ host: 'a.io' }] }, 'tls.0', /secretName or a cert-manager issuer/],
    ['two issuers', { host: 'a.io', routes: [{ host: 'b.io' }], tls: [{ host: 'a.io', issuer: { kind: 'ClusterIssuer', name: 'le' } }, { host: 'b.io', issuer: { kind: 'Issuer', name: 'le' } }] }, 'tls.1.issuer', /one cert-manager issuer per app/],
  ])('refuses %s', (_name, config, field, message) => {
    let error: unknown;
    try {
      checkRoutes(config);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field } });
    expect((error as Error).message).toMatch(message);
  });
});
