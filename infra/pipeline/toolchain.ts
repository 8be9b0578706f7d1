import * as packageJson from '../../package.json';

/**
 * The Node.js major version CodeBuild runs, as `.nvmrc` sets it for workflows and laptops; the
 * pipeline's bundled tools target it too.
 */
export const CODEBUILD_NODE_VERSION = '22';

/**
 * The CDK CLI and cdk-assets versions the pipeline installs for self-mutation and asset publishing,
 * read from package.json so that the pipeline runs exactly the tools CI and laptops run. Unpinned,
 * CDK Pipelines installs the newest release, and a new release could change a deploy unannounced.
 */
export const CDK_CLI_VERSION = exactVersion('aws-cdk', packageJson.devDependencies['aws-cdk']);
export const CDK_ASSETS_VERSION = exactVersion('cdk-assets', packageJson.devDependencies['cdk-assets']);

export function exactVersion(name: string, version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`package.json must pin ${name} to an exact version (e.g. 2.1148.1), found '${version}'`);
  }
  return version;
}
