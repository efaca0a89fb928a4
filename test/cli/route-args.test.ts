import { parseRoute } from '../../src/cli/commands/routes.js';

describe('parseRoute (slipway route add|rm <app> <host[/path]>)', () => {
  test.each([
    ['shop.example.com', { host: 'shop.example.com' }],
    ['shop.example.com/', { host: 'shop.example.com' }],
    ['Shop.Example.com/api', { host: 'shop.example.com', path: '/api' }],
    ['shop.example.com/api/v1/', { host: 'shop.example.com', path: '/api/v1/' }],
  ])('%s', (arg, expected) => {
    expect(parseRoute(arg)).toEqual(expected);
  });

  test.each(['/api', 'shop.example.com:443/api', ''])('refuses %j', (arg) => {
    expect(() => parseRoute(arg)).toThrow(/a route is host\[\/path\]/);
  });
});
