import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bash, loadWorkflows, stepNamed } from '../support/workflows';

/** `$NAME` expansions outside double quotes (word-split and globbed), `${NAME:+...}` aside. */
function unquotedExpansions(script: string): string[] {
  const bare = script.replace(/'[^'\n]*'/g, "''").replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...bare.matchAll(/\$\{?[A-Za-z_]\w*(?!\S*:\+)/g)].map((m) => m[0]);
}

describe('run steps', () => {
  test('quote every variable they expand', () => {
    const found = loadWorkflows().flatMap((w) =>
      Object.entries(w.jobs).flatMap(([id, job]) =>
        (job.steps ?? []).flatMap((s) => unquotedExpansions(s.run ?? '').map((v) => `${w.file}/${id}: ${v}`)),
      ),
    );
    expect(found).toEqual([]);
  });

  test('the integ snapshot report warns of a new snapshot file as well as a changed one', () => {
    const { run } = stepNamed('integ.yml', 'integ', /Report snapshot changes/);
    const dir = mkdtempSync(path.join(tmpdir(), 'integ-report-'));
    try {
      const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
      git('init', '-q');
      mkdirSync(path.join(dir, 'integ', 'integ.a.snapshot'), { recursive: true });
      writeFileSync(path.join(dir, 'integ', 'integ.a.snapshot', 'Old.template.json'), '{}');
      git('add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'snapshots');
      const summary = path.join(dir, 'summary.md');
      writeFileSync(summary, '');
      const report = () => bash(run, dir, { GITHUB_STEP_SUMMARY: summary });

      expect(report().stdout).toBe('');
      mkdirSync(path.join(dir, 'integ', 'integ.b.snapshot'));
      writeFileSync(path.join(dir, 'integ', 'integ.b.snapshot', 'New.template.json'), '{}');
      writeFileSync(path.join(dir, 'integ', 'integ.b.snapshot', 'Assertions.template.json'), '{}');
      const result = report();

      expect(result.stdout).toContain('::warning title=Integration snapshots changed::');
      expect(readFileSync(summary, 'utf8')).toContain('integ/integ.b.snapshot/New.template.json');
      expect(readFileSync(summary, 'utf8')).not.toContain('Assertions');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CI's look at the sweep", () => {
  const { run } = stepNamed('ci.yml', 'ci', /no sweep has succeeded/);
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

  test.each([
    ['never', '', true],
    ['50 hours ago', hoursAgo(50), true],
    ['47 hours ago', hoursAgo(47), false],
  ])('with the last successful sweep %s, warns: %s', (_, last, warns) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sweep-age-'));
    try {
      writeFileSync(path.join(dir, 'gh'), `#!/bin/sh\necho '${last}'\n`);
      chmodSync(path.join(dir, 'gh'), 0o755);
      const result = bash(run, dir, { PATH: `${dir}:${process.env.PATH}`, GITHUB_REPOSITORY: 'o/r' });
      expect(result.status).toBe(0);
      expect(result.stdout.includes('::warning title=Previews not swept::')).toBe(warns);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
