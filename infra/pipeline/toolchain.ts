import * as packageJson from '../../package.json';

/**
 * The CDK CLI and cdk-assets versions the pipeline installs for self-mutation and asset publishing,
 * read from package.json so that the pipeline runs exactly the tools CI and laptops run. Unpinned,
 * CDK Pipelines installs the newest release, and a new release could change a deploy unannounced.
 */
export const CDK_CLI_VERSION = exact('aws-cdk', packageJson.devDependencies['aws-cdk']);
export const CDK_ASSETS_VERSION = exact('cdk-assets', packageJson.devDependencies['cdk-assets']);

function exact(name: string, version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`package.json must pin ${name} to an exact version (e.g. 2.1148.1), found '${version}'`);
  }
  return version;
}
