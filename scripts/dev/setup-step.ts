import { PREVIEW_NETWORK_ID } from '../../infra/config/preview-network';

/** Something a step makes that a later step uses: `id` to refer to it, `what` to show it. */
export interface Artifact {
  readonly id: string;
  readonly what: string;
}

export interface SetupStep {
  readonly title: string;
  /** Whose credentials run the commands: an AWS account's administrator, GitHub (`gh`), or none. */
  readonly actor: { readonly aws: string } | 'github' | 'clone';
  readonly commands: readonly string[];
  /** The ids of what earlier steps produced and this one uses. */
  readonly needs: readonly string[];
  readonly produces: readonly Artifact[];
}

/** The stacks deployed by hand, by their construct ids in infra/platform.ts (`cdk deploy <id>`). */
export const HAND_DEPLOYED_STACKS = {
  githubOidc: 'GithubOidc',
  githubOidcPreview: 'GithubOidcPreview',
  previewBootstrap: 'PreviewBootstrap',
  previewNetwork: PREVIEW_NETWORK_ID,
  pipeline: 'Pipeline',
} as const;

export const bootstrapped = (account: string, region: string): string => `bootstrap:${account}/${region}`;
export const linkedRoles = (account: string): string => `service-linked-roles:${account}`;
export const environment = (name: string): string => `environment:${name}`;
export const stack = (id: string): string => `stack:${id}`;
export const deploy = (id: string): string => `npx cdk deploy ${id}`;
