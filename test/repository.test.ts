import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as packageJson from '../package.json';

const ROOT = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface Dependabot {
  updates: Array<{ 'package-ecosystem': string; groups?: Record<string, { patterns: string[] }> }>;
}

/** Dependabot's group patterns: `*` matches any run of characters. */
const matches = (pattern: string, name: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name);

test('LICENSE holds the license package.json names', () => {
  expect(packageJson.license).toBe('Apache-2.0');
  expect(read('LICENSE')).toMatch(/^\s+Apache License\s+Version 2\.0, January 2004/);
});

test('Dependabot moves every package tied to the cloud-assembly schema in one group, and no other package with them', () => {
  const npm = (parse(read('.github/dependabot.yml')) as Dependabot).updates.find(
    (update) => update['package-ecosystem'] === 'npm',
  );
  const groups = Object.entries(npm?.groups ?? {});
  const groupOf = (name: string): string[] =>
    groups.filter(([, { patterns }]) => patterns.some((p) => matches(p, name))).map(([group]) => group);
  const names = [
    ...Object.keys(packageJson.dependencies),
    ...Object.keys(packageJson.devDependencies),
    ...Object.keys(packageJson.overrides),
  ];
  const tied = names.filter((name) =>
    /^(aws-cdk|aws-cdk-lib|constructs|cdk-assets|cdk-nag)$|^@aws-cdk\//.test(name),
  );
  expect(tied.length).toBeGreaterThanOrEqual(7);
  expect(tied.map((name) => [name, groupOf(name)])).toEqual(tied.map((name) => [name, ['cdk']]));
  const others = names.filter((name) => !tied.includes(name) && groupOf(name).includes('cdk'));
  expect(others).toEqual([]);
});
