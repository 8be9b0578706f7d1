/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // GitHub's expression parser and workflow parser ship only ES modules: jest runs CommonJS, so
    // their files are transformed too, and imported by path (their `exports` name `import` alone).
    '^.+/node_modules/@actions/(expressions|workflow-parser)/.+\\.js$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@actions/(expressions|workflow-parser)/)'],
  moduleNameMapper: {
    '^@actions/(expressions|workflow-parser)$': '<rootDir>/node_modules/@actions/$1/dist/index.js',
    '^@actions/(expressions|workflow-parser)/(.+)$': '<rootDir>/node_modules/@actions/$1/dist/$2.js',
  },
  // CDK synthesis with esbuild bundling is slow; keep workers within this machine's 2 cores.
  maxWorkers: 2,
  testTimeout: 120000,
};
