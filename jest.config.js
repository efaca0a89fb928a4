// Jest runs the TypeScript sources as ESM (node --experimental-vm-modules), transformed by swc.
const swc = (moduleType) => ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: moduleType } }];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc('es6'),
    // light-my-request (fastify.inject) require()s cookie@2, which is ESM-only; jest's own
    // require cannot load ESM on Node 20, so that one package is compiled to CommonJS.
    '/node_modules/cookie/.+\\.js$': swc('commonjs'),
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  // Sources import './x.js' (NodeNext); jest resolves the .ts file behind it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 120000,
  // The suites share one dockerd and one registry: run files one at a time.
  maxWorkers: 1,
};
