import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
