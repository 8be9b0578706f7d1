/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // CDK synthesis with esbuild bundling is slow; keep workers within this machine's 2 cores.
  maxWorkers: 2,
  testTimeout: 120000,
};
