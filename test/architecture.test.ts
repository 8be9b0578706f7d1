import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * Which way the imports run (STYLE.md): read from the sources with TypeScript's own pre-processor,
 * so that every `import` and `export ... from` counts, type-only ones too.
 */

const ROOT = join(__dirname, '..');
const SOURCE_DIRS = ['infra', 'functions', 'scripts', 'bench', 'integ'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('.snapshot'),
    )
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

interface Import {
  /** A project file as its path from the root, or a package by its name. */
  readonly target: string;
  /** Erased at compile time: `import type`, or every name imported as a type. */
  readonly typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022);
  return source.statements.flatMap((statement): Import[] => {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) return [];
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) return [];
    return [{ target: projectPath(file, specifier.text), typeOnly: isTypeOnly(statement) }];
  });
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) return statement.isTypeOnly;
  const clause = statement.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    !clause.name && !!bindings && ts.isNamedImports(bindings) && bindings.elements.every((e) => e.isTypeOnly)
  );
}

function projectPath(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
  return target.endsWith('.json') ? target : `${target}.ts`;
}

const files = SOURCE_DIRS.flatMap(sourceFiles);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const resolveFile = (target: string): string | undefined =>
  [target, target.replace(/\.ts$/, '/index.ts')].find((candidate) => graph.has(candidate));

/** The project files `file` reaches through its imports (at run time only: `runtime`), itself excluded. */
function reach(file: string, runtime = false): Set<string> {
  const seen = new Set<string>();
  const stack = [file];
  while (stack.length > 0) {
    for (const { target, typeOnly } of graph.get(stack.pop()!) ?? []) {
      if (runtime && typeOnly) continue;
      const next = resolveFile(target);
      if (next && !seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

test('no source file imports itself through others, not even for a type (no import circle)', () => {
  expect(files.filter((file) => reach(file).has(file))).toEqual([]);
});

test('nothing outside test/ imports test/', () => {
  const offenders = files.filter((file) => graph.get(file)!.some(({ target }) => target.startsWith('test/')));
  expect(offenders).toEqual([]);
});

test.each([
  [
    'functions/',
    /^(aws-cdk-lib|constructs)(\/|$)|^(infra|scripts|bench|integ)\//,
    'Lambda code never imports CDK or the app',
  ],
  [
    'infra/config/',
    /^infra\/(stacks|stages|constructs|pipeline|platform)/,
    'configuration is data and validation only',
  ],
  [
    'infra/constructs/',
    /^infra\/(stacks|stages|pipeline|platform)/,
    'constructs know nothing of stacks or delivery',
  ],
  ['infra/stacks/', /^infra\/(stages|pipeline|platform)/, 'a stack deploys without the pipeline'],
  [
    'scripts/',
    /^(aws-cdk-lib(?!\/region-info)|constructs)(\/|$)|^(infra\/(stacks|stages|constructs|pipeline)|integ|bench)\//,
    'CLIs and pipeline steps carry no CDK',
  ],
])('%s imports nothing matching %s at run time (%s)', (dir, forbidden) => {
  const offenders = files
    .filter((file) => file.startsWith(dir))
    .flatMap((file) =>
      [file, ...reach(file, true)]
        .flatMap((reached) => graph.get(reached)!.filter(({ typeOnly }) => !typeOnly))
        .map(({ target }) => target)
        .filter((target) => forbidden.test(target))
        .map((target) => `${file} -> ${target}`),
    );
  expect([...new Set(offenders)]).toEqual([]);
});
