// Jest runs the TypeScript sources as ESM (node --experimental-vm-modules), transformed by swc.
const swc = (moduleType) => ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: moduleType } }];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc('es6'),
    // CommonJS packages that require() ESM-only ones: light-my-request (fastify.inject) needs
    // cookie@2, @fastify/static (swagger UI) needs content-disposition@2. Node 20 loads them
    // natively, jest's own require cannot, so those packages are compiled to CommonJS.
    '/node_modules/(cookie|content-disposition)/.+\\.js$': swc('commonjs'),
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition)/)'],
  // Sources import './x.js' (NodeNext); jest resolves the .ts file behind it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 120000,
  // One file at a time in a jest process; scripts/test.sh runs two such processes side by side
  // and the files marked `// @runs-alone:` after them, alone (docs/development.md).
  maxWorkers: 1,
  // Results are written before this applies: a socket some library keeps open after the last
  // suite (seen once with the builders suite) must not hold CI until its 90-minute kill.
  forceExit: true,
};
