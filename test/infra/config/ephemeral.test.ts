import {
  EPHEMERAL_TAGS,
  decodeTagValue,
  encodeTagValue,
  ephemeralKindOf,
  ephemeralTags,
  provenanceFromEnv,
} from '../../../infra/config/ephemeral';
import { stageNameFromBranch } from '../../../infra/config/stage-name';

const REPOSITORY = 'example-org/batch-job-platform';
const RUN = 'https://github.com/example-org/batch-job-platform/actions/runs/123';

describe('ephemeralTags', () => {
  test('names the kind, the stage, the pull request and the repository, and nothing known only at deploy time', () => {
    expect(ephemeralTags({ stage: 'pr-42', repository: REPOSITORY })).toEqual({
      [EPHEMERAL_TAGS.kind]: 'pr',
      [EPHEMERAL_TAGS.stage]: 'pr-42',
      [EPHEMERAL_TAGS.pullRequest]: '42',
      [EPHEMERAL_TAGS.repository]: REPOSITORY,
    });
  });

  test('adds the branch, the creating run, its time and a keep-until day when the deploy gives them', () => {
    const branch = 'preview/Fix#12';
    const tags = ephemeralTags({
      stage: stageNameFromBranch(branch)!,
      repository: REPOSITORY,
      provenance: { branch, run: RUN, createdAt: '2026-07-01T09:30:00Z', keepUntil: '2026-08-01' },
    });
    expect(tags).toMatchObject({
      [EPHEMERAL_TAGS.kind]: 'branch',
      [EPHEMERAL_TAGS.branch]: 'preview/Fix+2312',
      [EPHEMERAL_TAGS.run]: RUN,
      [EPHEMERAL_TAGS.createdAt]: '2026-07-01T09:30:00Z',
      [EPHEMERAL_TAGS.keepUntil]: '2026-08-01',
    });
    expect(decodeTagValue(tags[EPHEMERAL_TAGS.branch] ?? '')).toBe(branch);
  });

  test('fails on a branch that names another stage, so two branches can never deploy one stage', () => {
    expect(() =>
      ephemeralTags({ stage: 'br-feature-x', repository: REPOSITORY, provenance: { branch: 'feature/x' } }),
    ).toThrow(/EPHEMERAL_BRANCH 'feature\/x' names stage 'br-feature-x-[0-9a-f]{6}', not 'br-feature-x'/);
  });

  test('fails on a stage that is not ephemeral', () => {
    expect(() => ephemeralTags({ stage: 'dev', repository: REPOSITORY })).toThrow(
      /'dev' is not an ephemeral stage/,
    );
  });
});

test.each([
  ['pr-1', 'pr'],
  ['br-x', 'branch'],
  ['integ', 'integ'],
  ['dev', undefined],
])('ephemeralKindOf(%p) is %p', (stage, kind) => expect(ephemeralKindOf(stage)).toBe(kind));

describe('provenanceFromEnv', () => {
  test('reads the variables the preview workflow sets, and nothing when they are absent', () => {
    expect(provenanceFromEnv({})).toEqual({ provenance: {}, problems: [] });
    expect(provenanceFromEnv({ EPHEMERAL_RUN: RUN, EPHEMERAL_CREATED_AT: '2026-07-01T09:30:00Z' })).toEqual({
      provenance: { run: RUN, createdAt: '2026-07-01T09:30:00Z' },
      problems: [],
    });
  });

  test('fails on malformed values, naming each', () => {
    const env = { EPHEMERAL_RUN: 'run 1', EPHEMERAL_CREATED_AT: 'yesterday', EPHEMERAL_KEEP_UNTIL: '1 Aug' };
    expect(provenanceFromEnv(env).problems).toEqual([
      expect.stringMatching(/^EPHEMERAL_RUN: 'run 1' is not a workflow run URL/),
      expect.stringMatching(/^EPHEMERAL_CREATED_AT: 'yesterday' is not a UTC time/),
      expect.stringMatching(/^EPHEMERAL_KEEP_UNTIL: '1 Aug' is not a day/),
    ]);
  });
});

test.each(['feature/x', 'a+b', 'fix#1 (2)', 'ünï/cødé', "it's"])(
  'tag value %p survives encoding',
  (value) => {
    const encoded = encodeTagValue(value);
    expect(encoded).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    expect(decodeTagValue(encoded)).toBe(value);
  },
);
