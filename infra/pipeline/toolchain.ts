import * as packageJson from '../../package.json';

/** As `.nvmrc` sets it for workflows and laptops; the bundled tools target it too. */
export const CODEBUILD_NODE_VERSION = '22';

/** From package.json, so the pipeline runs the tools CI runs; unpinned, it would take the newest release. */
export const CDK_CLI_VERSION = exactVersion('aws-cdk', packageJson.devDependencies['aws-cdk']);
export const CDK_ASSETS_VERSION = exactVersion('cdk-assets', packageJson.devDependencies['cdk-assets']);

export function exactVersion(name: string, version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`package.json must pin ${name} to an exact version (e.g. 2.1148.1), found '${version}'`);
  }
  return version;
}
