import type { Change, DescribeChangeSetOutput, ResourceChange } from '@aws-sdk/client-cloudformation';
import * as fc from 'fast-check';
import { describeResourceChange, STATEFUL_TYPES } from '../../../scripts/pipeline/resource-change';
import {
  changeSetConsoleUrl,
  fitMessage,
  HEADLINE_LIMIT,
  isNoChangesReason,
  SUBJECT_LIMIT,
  summarizeChangeSet,
} from '../../../scripts/pipeline/change-set-summary-text';
import { loadChangeSet, type ChangeSetFixture } from '../../support/change-set-fixtures';

const REGION = 'ap-northeast-1';
const STACK_ID =
  'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/jobs-prod-JobBase/8c1f4b70-cd2e-11f0-9a4b-0a1b2c3d4e5f';
const CHANGE_SET_ID =
  'arn:aws:cloudformation:ap-northeast-1:222222222222:changeSet/PipelineChange/3e9b2a4c-7f1d-4e2a-b6c8-1d2e3f4a5b6c';
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

function summarize(changeSet: DescribeChangeSetOutput, stageName = 'prod') {
  return summarizeChangeSet({ stageName, changeSet, partition: 'aws', region: REGION });
}

function summarizeFixture(name: ChangeSetFixture) {
  return summarize(loadChangeSet(name));
}

/** A change set holding exactly these resource changes. */
function changeSetOf(changes: readonly ResourceChange[]): DescribeChangeSetOutput {
  return {
    ...loadChangeSet('routine-update'),
    Changes: changes.map((change): Change => ({ Type: 'Resource', ResourceChange: change })),
  };
}

/** The logical ids a titled section of the text lists (each line as `describeResourceChange` says). */
function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${title} (`));
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((line) => /^ {2}- (\S+) /.exec(line)?.[1] ?? line);
}

describe('summarizeChangeSet on the recorded change sets', () => {
  test.each<[ChangeSetFixture, string]>([
    // two Lambda code updates and a modified IAM policy
    ['routine-update', 'prod (jobs-prod-JobBase): 0 to add, 3 to modify, 0 to remove; IAM changes'],
    // the topic replaced (its name changes), a log group removed: both marked STATEFUL
    [
      'stateful-replacement',
      'prod (jobs-prod-JobBase): 1 to add, 3 to modify, 1 to remove; 1 replacement; IAM changes; ' +
        'STATEFUL: BatchErrorHandlerLogGroup2EB6FC5F (AWS::Logs::LogGroup) removed, ' +
        'NotificationsCE9D1424 (AWS::SNS::Topic) replaced',
    ],
    [
      'key-policy-and-security-group',
      'prod (jobs-prod-JobBase): 1 to add, 2 to modify, 0 to remove; security group changes; key policy changes',
    ],
    // a compute environment that may be replaced: a conditional, stateful replacement
    [
      'two-pages-1',
      'prod (jobs-prod-JobBase): 0 to add, 3 to modify, 0 to remove; 1 replacement (1 conditional); ' +
        'STATEFUL: BatchOnDemand5FB01F52 (AWS::Batch::ComputeEnvironment) may be replaced',
    ],
    ['no-changes', 'prod (jobs-prod-JobBase): no changes'],
  ])('the headline of %s', (fixture, headline) => {
    expect(summarizeFixture(fixture).headline).toBe(headline);
  });

  test.each<[ChangeSetFixture, string, string[]]>([
    ['routine-update', 'IAM and resource policies', ['HandlerRoleDefaultPolicy0112C0A8']],
    [
      'routine-update',
      'All changes',
      ['BatchErrorHandler7EE38A7A', 'BatchSuccessHandler73996266', 'HandlerRoleDefaultPolicy0112C0A8'],
    ],
    ['stateful-replacement', 'Replacements', ['NotificationsCE9D1424']],
    ['stateful-replacement', 'IAM and resource policies', ['NotificationsPolicy6158A093']],
    ['key-policy-and-security-group', 'Key policies', ['NotificationsKeyADCFA950']],
    [
      'key-policy-and-security-group',
      'Security groups',
      ['BatchSecurityGroup2CDE977B', 'BatchSecurityGroupIngressHttps5D3E8A21'],
    ],
    ['key-policy-and-security-group', 'IAM and resource policies', []],
  ])('%s: the section %s lists what changed', (fixture, title, lines) => {
    expect(section(summarizeFixture(fixture).text, title)).toEqual(lines);
  });

  test.each<ChangeSetFixture>(['routine-update', 'two-pages-2'])(
    '%s (a stateful resource modified in place at most) warns of nothing stateful',
    (fixture) => {
      const { headline, text } = summarizeFixture(fixture);
      expect([headline.includes('STATEFUL'), text.includes('WARNING')]).toEqual([false, false]);
    },
  );

  test('a replaced topic and a removed log group: the text opens with the warning naming both', () => {
    const { text } = summarizeFixture('stateful-replacement');
    expect(text.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/^WARNING: 2 stateful resources replaced or removed; /),
      '  ! BatchErrorHandlerLogGroup2EB6FC5F (AWS::Logs::LogGroup): Remove',
      '  ! NotificationsCE9D1424 (AWS::SNS::Topic): Modify, replacement True; changed: TopicName (requires replacement)',
      '',
    ]);
  });

  test.each<[ChangeSetFixture, string]>([
    [
      'stateful-replacement',
      '[prod] STATEFUL REPLACED/REMOVED: jobs-prod-JobBase change set: 1 add, 3 modify, 1 remove',
    ],
    ['no-changes', '[prod] jobs-prod-JobBase change set: no changes'],
  ])(
    'the subject of %s names the stage, the stack and the counts, stateful changes first',
    (fixture, subject) => {
      expect(summarizeFixture(fixture).subject).toBe(subject);
    },
  );

  test("a change set without changes says so, with CloudFormation's reason", () => {
    expect(summarizeFixture('no-changes').text).toContain(
      "CloudFormation: The submitted information didn't contain changes.",
    );
  });

  test("the link opens the change set in the console of the stack's region", () => {
    const { url, text } = summarizeFixture('routine-update');
    expect(url).toBe(
      'https://ap-northeast-1.console.aws.amazon.com/cloudformation/home?region=ap-northeast-1' +
        `#/stacks/changesets/changes?stackId=${encodeURIComponent(STACK_ID)}` +
        `&changeSetId=${encodeURIComponent(CHANGE_SET_ID)}`,
    );
    expect(text).toContain(`Review it in the console: ${url}`);
  });
});

describe('summarizeChangeSet limits', () => {
  const manyReplacedTopics = changeSetOf(
    Array.from({ length: 500 }, (_, index) => ({
      Action: 'Modify',
      LogicalResourceId: `NotificationTopicWithAVeryLongLogicalIdentifier${String(index).padStart(3, '0')}`,
      ResourceType: 'AWS::SNS::Topic',
      Replacement: 'True',
      Details: [{ Target: { Attribute: 'Properties', Name: 'TopicName', RequiresRecreation: 'Always' } }],
    })),
  );

  test('with 500 stateful replacements the headline keeps the counts and says how many it left out', () => {
    const { headline } = summarize(manyReplacedTopics);
    expect(headline).toMatch(
      /^prod \(jobs-prod-JobBase\): 0 to add, 500 to modify, 0 to remove; 500 replacements; /,
    );
    expect(headline).toMatch(
      /; STATEFUL: NotificationTopicWithAVeryLongLogicalIdentifier000 \(AWS::SNS::Topic\) replaced, .*, and \d+ more$/,
    );
  });

  test('a stage name of 300 lines is cut to one line of the headline, and the STATEFUL marker survives', () => {
    const { headline } = summarize(loadChangeSet('stateful-replacement'), 's\n'.repeat(300));
    expect(headline.length).toBeLessThanOrEqual(HEADLINE_LIMIT);
    expect(headline).not.toMatch(/[\r\n]/);
    expect(headline).toContain('...; STATEFUL: ');
  });

  test('the subject is at most 100 printable ASCII characters, whatever the names', () => {
    const changeSet = { ...loadChangeSet('stateful-replacement'), StackName: `jobs-${'x'.repeat(120)}` };
    const { subject } = summarize(changeSet, 'prôd\n本番');
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_LIMIT);
    expect(subject).toMatch(PRINTABLE_ASCII);
    expect(subject).toMatch(/^\[pr d \] STATEFUL REPLACED\/REMOVED: jobs-x+\.\.\.$/);
  });
});

test('imports and dynamic changes are counted beside adds, modifies and removes', () => {
  const summary = summarize(
    changeSetOf([
      { Action: 'Import', LogicalResourceId: 'Imported', ResourceType: 'AWS::S3::Bucket' },
      { Action: 'Dynamic', LogicalResourceId: 'Nested', ResourceType: 'AWS::CloudFormation::Stack' },
    ]),
  );
  expect(summary.headline).toBe(
    'prod (jobs-prod-JobBase): 0 to add, 0 to modify, 0 to remove, 1 to import, 1 dynamic',
  );
});

test.each([
  [
    "The submitted information didn't contain changes. Submit different information to create a change set.",
    true,
  ],
  ['No updates are to be performed.', true],
  ['Unable to fetch parameters [/cdk-bootstrap/hnb659fds/version]', false],
])('isNoChangesReason(%p) is %p', (reason, noChanges) => {
  expect(isNoChangesReason(reason)).toBe(noChanges);
});

describe('changeSetConsoleUrl', () => {
  const ids = { stackId: STACK_ID, changeSetId: CHANGE_SET_ID };

  test.each([
    ['aws-cn', 'cn-north-1', 'https://console.amazonaws.cn/cloudformation/home?region=cn-north-1#'],
    [
      'aws-us-gov',
      'us-gov-west-1',
      'https://console.amazonaws-us-gov.com/cloudformation/home?region=us-gov-west-1#',
    ],
  ])("in the %s partition, points at that partition's console", (partition, region, start) => {
    expect(changeSetConsoleUrl({ partition, region, ...ids }).startsWith(start)).toBe(true);
  });

  test('fails for a partition without a public console', () => {
    expect(() => changeSetConsoleUrl({ partition: 'aws-iso', region: 'us-iso-east-1', ...ids })).toThrow(
      "no console link for the partition 'aws-iso' (aws, aws-cn, aws-us-gov)",
    );
  });
});

describe('fitMessage', () => {
  // A message within the limit goes unchanged: publish-change-set-summary.test.ts publishes one.
  test('a message over the limit is cut at a line, within the limit, with a note', () => {
    const text = Array.from({ length: 1_000 }, (_, index) => `${index}`.padEnd(99, '.')).join('\n');
    const fitted = fitMessage(text, 10_000);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(10_000);
    expect(fitted).toMatch(/\.\n\n\[cut: the summary is 99999 bytes, over the 10000-byte SNS limit; /);
  });

  test('a cut never splits a character', () => {
    const text = '本'.repeat(1_000);
    const fitted = fitMessage(text, 1_001);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(1_001);
    expect(fitted.split('\n')[0]).toMatch(/^本+$/);
  });
});

describe('summarizeChangeSet properties', () => {
  const types = [
    ...STATEFUL_TYPES,
    'AWS::IAM::Role',
    'AWS::SNS::TopicPolicy',
    'AWS::EC2::SecurityGroup',
    'AWS::Lambda::Function',
    'AWS::Events::Rule',
  ];
  const resourceChange: fc.Arbitrary<ResourceChange> = fc.record({
    Action: fc.constantFrom('Add', 'Modify', 'Remove', 'Import', 'Dynamic'),
    LogicalResourceId: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,254}$/),
    ResourceType: fc.constantFrom(...types),
    Replacement: fc.constantFrom('True', 'False', 'Conditional', undefined),
    Details: fc.array(
      fc.record({
        Target: fc.record({
          Attribute: fc.constantFrom('Properties', 'Tags', 'Metadata'),
          Name: fc.constantFrom('KeyPolicy', 'TopicName', 'Code', undefined),
          RequiresRecreation: fc.constantFrom('Never', 'Conditionally', 'Always'),
        }),
      }),
      { maxLength: 3 },
    ),
  });
  const input = fc.record({
    stageName: fc.string({ maxLength: 40, unit: 'grapheme' }),
    changes: fc.array(resourceChange, { maxLength: 80 }),
  });

  test('the headline is one line of at most 500 characters, the subject 100 printable ASCII ones', () => {
    fc.assert(
      fc.property(input, ({ stageName, changes }) => {
        const { headline, subject } = summarize(changeSetOf(changes), stageName);
        expect(headline.length).toBeLessThanOrEqual(HEADLINE_LIMIT);
        expect(headline).not.toMatch(/[\r\n]/);
        expect(subject.length).toBeLessThanOrEqual(SUBJECT_LIMIT);
        expect(subject).toMatch(PRINTABLE_ASCII);
      }),
    );
  });

  test('every stateful replacement or removal is listed before any other section', () => {
    fc.assert(
      fc.property(input, ({ stageName, changes }) => {
        const summary = summarize(changeSetOf(changes), stageName);
        const lines = summary.text.split('\n');
        const firstOther = lines.findIndex((line) => line.startsWith('Change set '));
        const statefulLines = lines.slice(0, firstOther).filter((line) => line.startsWith('  ! '));
        const expected = changes.filter(
          (change) =>
            STATEFUL_TYPES.has(change.ResourceType ?? '') &&
            (change.Action === 'Remove' ||
              change.Replacement === 'True' ||
              change.Replacement === 'Conditional'),
        );
        return (
          statefulLines.length === expected.length &&
          expected.every((change, index) => statefulLines[index] === `  ! ${describeResourceChange(change)}`)
        );
      }),
    );
  });
});
