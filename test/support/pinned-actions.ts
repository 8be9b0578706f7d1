/**
 * The actions the workflows may use, each pinned to a release's commit, with the inputs its action.yml
 * declares there (actionlint checks inputs only for tag pins). Verified from stored copies of the
 * public repositories, and Dependabot bumps elsewhere that name the same commits:
 * - actions/checkout 08c6903c: its CHANGELOG.md opens with V5.0.0.
 * - actions/setup-node 2028fbc5: `runs.using: node24`; 5.0.0 -> 6.0.0 bumps compare a0853c2...2028fbc.
 * - aws-actions/configure-aws-credentials ec61189d: the release-please commit of 6.1.0; inputs from
 *   action.yml at 11b1c58, a 6.1.0 feature commit.
 * - actions/upload-artifact 330a01c4, actions/download-artifact 634f93cb: pinned `# v5.0.0` by many
 *   workflows; inputs from download-artifact's action.yml at 055cd68 and copies of upload-artifact's v4+.
 */
export interface PinnedAction {
  readonly sha: string;
  readonly version: string;
  readonly inputs: readonly string[];
  readonly required: readonly string[];
}

export const PINNED_ACTIONS: Readonly<Record<string, PinnedAction>> = {
  'actions/checkout': {
    sha: '08c6903cd8c0fde910a37f88322edcfb5dd907a8',
    version: 'v5.0.0',
    inputs: [
      'repository',
      'ref',
      'token',
      'ssh-key',
      'ssh-known-hosts',
      'ssh-strict',
      'ssh-user',
      'persist-credentials',
      'path',
      'clean',
      'filter',
      'sparse-checkout',
      'sparse-checkout-cone-mode',
      'fetch-depth',
      'fetch-tags',
      'show-progress',
      'reference',
      'lfs',
      'submodules',
      'set-safe-directory',
      'github-server-url',
    ],
    required: [],
  },
  'actions/setup-node': {
    sha: '2028fbc5c25fe9cf00d9f06a71cc4710d4507903',
    version: 'v6.0.0',
    inputs: [
      'always-auth',
      'node-version',
      'node-version-file',
      'architecture',
      'check-latest',
      'registry-url',
      'scope',
      'token',
      'cache',
      'package-manager-cache',
      'cache-dependency-path',
      'mirror',
      'mirror-token',
    ],
    required: [],
  },
  'actions/upload-artifact': {
    sha: '330a01c490aca151604b8cf639adc76d48f6c5d4',
    version: 'v5.0.0',
    inputs: [
      'name',
      'path',
      'if-no-files-found',
      'retention-days',
      'compression-level',
      'overwrite',
      'include-hidden-files',
    ],
    required: ['path'],
  },
  'actions/download-artifact': {
    sha: '634f93cb2916e3fdff6788551b99b062d0335ce0',
    version: 'v5.0.0',
    inputs: [
      'name',
      'artifact-ids',
      'path',
      'pattern',
      'merge-multiple',
      'github-token',
      'repository',
      'run-id',
    ],
    required: [],
  },
  'aws-actions/configure-aws-credentials': {
    sha: 'ec61189d14ec14c8efccab744f656cffd0e33f37',
    version: 'v6.1.0',
    inputs: [
      'aws-region',
      'role-to-assume',
      'aws-access-key-id',
      'aws-secret-access-key',
      'aws-session-token',
      'web-identity-token-file',
      'role-chaining',
      'audience',
      'http-proxy',
      'no-proxy',
      'mask-aws-account-id',
      'role-duration-seconds',
      'role-external-id',
      'role-session-name',
      'role-skip-session-tagging',
      'transitive-tag-keys',
      'inline-session-policy',
      'managed-session-policies',
      'output-credentials',
      'output-env-credentials',
      'unset-current-credentials',
      'disable-retry',
      'retry-max-attempts',
      'special-characters-workaround',
      'use-existing-credentials',
      'allowed-account-ids',
      'force-skip-oidc',
      'action-timeout-s',
    ],
    required: ['aws-region'],
  },
};
