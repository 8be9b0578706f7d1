/**
 * `npm run pack`: the cloud assembly CI synthesized and tested, as the archive the pipeline deploys.
 *
 *   npm run pack [-- --assembly cdk.out --out cloud-assembly.zip]
 *
 * The archive holds the assembly's files at its root (`manifest.json` first of all), which is what
 * CDK Pipelines expects of its cloud-assembly input; the pipeline's own tools are inside it as an
 * asset directory (`infra/pipeline/pipeline-tools.ts`). Refuses an assembly without the pipeline
 * stack, so that a `-c stage=...` synthesis is never uploaded by mistake.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import AdmZip from 'adm-zip';
import { runAsMain } from '../script-support';

/** The pipeline stack's construct id in infra/platform.ts. */
export const PIPELINE_STACK_ID = 'Pipeline';

/** What the CDK CLI leaves beside the assembly that is not part of it. */
const NOT_ASSEMBLY = /(^|\/)(synth\.lock|read\.[^/]*\.lock|cdk\.out\.lock)$/;

interface Manifest {
  readonly artifacts?: Record<string, { readonly type?: string } | undefined>;
}

export function packAssembly(assemblyDir: string, outFile: string): number {
  const manifestPath = path.join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`${assemblyDir} holds no cloud assembly (no manifest.json): run npm run synth first`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  if (manifest.artifacts?.[PIPELINE_STACK_ID]?.type !== 'aws:cloudformation:stack') {
    throw new Error(
      `${assemblyDir} has no ${PIPELINE_STACK_ID} stack: synthesize the whole app (npm run synth, ` +
        'without -c stage=...), which is what the pipeline deploys',
    );
  }
  const zip = new AdmZip();
  const files = filesUnder(assemblyDir).filter((file) => !NOT_ASSEMBLY.test(file));
  for (const file of files) {
    zip.addLocalFile(
      path.join(assemblyDir, file),
      path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file),
    );
  }
  zip.writeZip(outFile);
  return files.length;
}

/** As POSIX paths relative to `dir`, in a stable order. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix))
    .sort()
    .flatMap((name) => {
      const relative = prefix ? `${prefix}/${name}` : name;
      return statSync(path.join(dir, relative)).isDirectory() ? filesUnder(dir, relative) : [relative];
    });
}

if (require.main === module) {
  runAsMain('pack', () => {
    const { values } = parseArgs({
      options: {
        assembly: { type: 'string', default: 'cdk.out' },
        out: { type: 'string', default: 'cloud-assembly.zip' },
      },
    });
    const count = packAssembly(values.assembly, values.out);
    console.log(`packed ${count} files of ${values.assembly} into ${values.out}`);
    return Promise.resolve();
  });
}
