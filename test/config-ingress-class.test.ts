import { loadConfig } from '../src/config.js';

const base = { SLIPWAY_API_TOKEN: 'a-token-of-enough-length', SLIPWAY_REGISTRY: '127.0.0.1:5000', SLIPWAY_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('SLIPWAY_INGRESS_CLASS', () => {
  test.each([
    [undefined, undefined],
    ['', undefined],
    [' nginx ', 'nginx'],
    ['traefik.example.com', 'traefik.example.com'],
  ])('%j → %j', (value, expected) => {
    expect(loadConfig({ ...base, ...(value === undefined ? {} : { SLIPWAY_INGRESS_CLASS: value }) }).ingressClass).toBe(expected);
  });

  test.each(['Nginx', 'a b', '-x'])('%j is refused, naming the variable', (value) => {
    expect(() => loadConfig({ ...base, SLIPWAY_INGRESS_CLASS: value })).toThrow(expect.objectContaining({ variable: 'SLIPWAY_INGRESS_CLASS' }));
  });
});
