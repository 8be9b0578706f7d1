import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import AdmZip from 'adm-zip';
import { parse as parseYaml } from 'yaml';
import { PIPELINE_STACK_ID, packAssembly } from '../../../scripts/github/pack-assembly';
import { PIPELINE_TOOLS } from '../../../infra/pipeline/pipeline-tools';
import { ROOT } from '../../support/workflows';

/**
 * The archive the deploy job uploads, made as the workflow makes it (`npm run synth`, `npm run pack`),
 * then unpacked as CodePipeline hands it to its actions: a directory with no repository and no
 * node_modules around it.
 */
describe('the cloud-assembly archive', () => {
  let work: string;
  let unpacked: string;

  const run = (command: string, args: string[], cwd = ROOT) =>
    spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

  beforeAll(() => {
    // GIVEN the app synthesized and packed by the npm scripts the workflow runs
    work = mkdtempSync(path.join(tmpdir(), 'assembly-'));
    const outdir = path.join(work, 'cdk.out');
    const archive = path.join(work, 'cloud-assembly.zip');
    const synth = run('npm', ['run', 'synth', '--', '--output', outdir]);
    expect([synth.status, synth.stderr]).toEqual([0, expect.any(String)]);
    const pack = run('npm', ['run', 'pack', '--', '--assembly', outdir, '--out', archive]);
    expect([pack.status, pack.stderr]).toEqual([0, expect.any(String)]);
    // WHEN it is unpacked somewhere else
    unpacked = path.join(work, 'unpacked');
    new AdmZip(archive).extractAllTo(unpacked);
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The commands of the pipeline's CodeBuild projects, as CodePipeline will run them from the archive. */
  function pipelineCommands(): string[] {
    const template = JSON.parse(
      readFileSync(path.join(unpacked, `${PIPELINE_STACK_ID}.template.json`), 'utf8'),
    ) as {
      Resources: Record<string, { Type: string; Properties: { Source?: { BuildSpec?: string } } }>;
    };
    return Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CodeBuild::Project')
      .flatMap((r) => {
        const spec = r.Properties.Source?.BuildSpec ?? '';
        const body = spec.trimStart().startsWith('{')
          ? spec
          : readFileSync(path.join(unpacked, spec), 'utf8');
        const { phases } = parseYaml(body) as { phases?: Record<string, { commands?: string[] }> };
        return Object.values(phases ?? {}).flatMap((phase) => phase.commands ?? []);
      });
  }

  test('is a cloud assembly the CDK CLI reads offline, with the pipeline stack in it', () => {
    // WHEN the CLI lists the stacks of the unpacked directory, with no credentials
    const ls = run(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['-a', unpacked, 'ls'], work);
    expect([ls.status, ls.stderr]).toEqual([0, expect.any(String)]);
    expect(ls.stdout.split('\n')).toContain(`${PIPELINE_STACK_ID} (jobs-Pipeline)`);
  });

  test('holds every buildspec file and every tool the pipeline steps run, at the paths they name', () => {
    const tools = pipelineCommands().flatMap((c) => [...c.matchAll(/^node (\S+\.cjs)$/g)].map((m) => m[1]!));
    // THEN each tool is one of PipelineTools, and is in the archive
    expect(tools.map((t) => path.basename(t, '.cjs')).sort()).toEqual(Object.keys(PIPELINE_TOOLS).sort());
    for (const tool of tools) expect([tool, existsSync(path.join(unpacked, tool))]).toEqual([tool, true]);
  });

  test.each(Object.keys(PIPELINE_TOOLS))(
    'the bundled %s runs with nothing but node, and names what it lacks',
    (tool) => {
      const command = pipelineCommands().find((c) => c.endsWith(`/${tool}.cjs`));
      const file = command?.replace(/^node /, '') ?? '';
      // WHEN it runs in the unpacked archive with an empty environment
      const result = spawnSync(process.execPath, [file], { cwd: unpacked, encoding: 'utf8', env: {} });
      // THEN it loads (the SDK is inside) and fails on the missing settings, naming them
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/set [A-Z_]+/);
      expect(result.stderr).not.toMatch(/Cannot find module/);
    },
  );
});

describe('packAssembly', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pack-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('fails on a directory that holds no cloud assembly, naming the command to run', () => {
    expect(() => packAssembly(dir, path.join(dir, 'out.zip'))).toThrow(
      /no manifest\.json\): run npm run synth/,
    );
  });

  test('fails on an assembly of one stage, which the pipeline cannot deploy', () => {
    // GIVEN a -c stage=pr-42 synthesis: no pipeline stack
    writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ artifacts: { 'pr-42': { type: 'cdk:cloud-assembly' } } }),
    );
    expect(() => packAssembly(dir, path.join(dir, 'out.zip'))).toThrow(
      /has no Pipeline stack: synthesize the whole app/,
    );
  });
});
