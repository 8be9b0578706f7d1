/**
 * The actions the workflows may use, each pinned to the commit of a release, with the inputs its
 * action.yml declares at that release. actionlint checks inputs only for actions pinned to a tag it
 * knows, not for commit pins, so the workflow tests check them here.
 *
 * Where each commit was verified (no network here, so from stored copies of the public repositories):
 * - actions/checkout 08c6903c: the commit whose CHANGELOG.md opens with "V5.0.0" in the stored
 *   actions/checkout repository; Dependabot's bumps to v5.0.0 in other repositories name the same commit.
 * - actions/setup-node 2028fbc5: stored in actions/setup-node with `runs.using: node24`; Dependabot's
 *   5.0.0 -> 6.0.0 bumps compare a0853c2...2028fbc.
 * - aws-actions/configure-aws-credentials ec61189d: the release-please commit whose CHANGELOG.md
 *   opens with 6.1.0 in the stored repository; docker/login-action's Dependabot bump 6.1.0 -> 6.1.1
 *   replaces the same commit. Inputs from action.yml at 11b1c58 (a 6.1.0 feature commit).
 * - actions/upload-artifact 330a01c4 and actions/download-artifact 634f93cb: the v5.0.0 commits as
 *   many stored workflows pin them (`# v5.0.0`), and Dependabot's bumps from v5.0.0 name the same
 *   commits. download-artifact's inputs from its stored action.yml (055cd68, with `artifact-ids`);
 *   upload-artifact's from stored copies of its v4+ action.yml (`name`, `path` required,
 *   `if-no-files-found`, `retention-days`, ...), as the stored repository holds only an old one.
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
