import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Token, type Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { INTEG_REGION } from '../../integ/job-base-scenario';
import { scenarioTemplates } from './scenario-waiters';

const { scenario, templates } = scenarioTemplates();

describe('JobBase integration scenario: where it deploys', () => {
  test('every stack deploys to the pinned region and the deploying account, beside the assertions', () => {
    for (const stack of [scenario.jobBase, scenario.probes, scenario.assertions]) {
      expect(stack.region).toBe(INTEG_REGION);
      expect(Token.isUnresolved(stack.account)).toBe(true);
    }
  });

  test('integ.config.json pins integ-runner to the region the stacks synthesize for', () => {
    const config = JSON.parse(readFileSync(join(__dirname, '..', '..', 'integ.config.json'), 'utf8')) as {
      parallelRegions: string[];
    };
    expect(config.parallelRegions).toEqual([INTEG_REGION]);
  });

  test('the test-case stacks sit at the top of the app, where integ-runner compares them with the snapshot', () => {
    const testCases: Stack[] = [scenario.jobBase, scenario.probes];
    for (const stack of testCases) expect(stack.node.scope).toBe(scenario.test.node.scope);
  });
});

describe('JobBase integration scenario: clean-up', () => {
  test.each(['jobBase', 'probes', 'assertions'] as const)(
    'nothing in the %s stack outlives it (no Retain or Snapshot policies)',
    (name) => {
      const resources = Object.entries(templates[name].toJSON().Resources as Record<string, object>);
      const kept = resources.filter(([, r]) =>
        ['DeletionPolicy', 'UpdateReplacePolicy'].some((p) => {
          const policy = (r as Record<string, unknown>)[p];
          return policy !== undefined && policy !== 'Delete';
        }),
      );
      expect(kept.map(([id]) => id)).toEqual([]);
    },
  );

  test.each(['probes', 'assertions'] as const)(
    'every function of the %s stack logs to a group deleted with the stack',
    (name) => {
      const functions = Object.values(templates[name].findResources('AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThan(0);
      const groups = Object.keys(
        templates[name].findResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' }),
      );
      for (const fn of functions) {
        const logGroup = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)
          ?.LogGroup;
        expect(groups).toContain(logGroup?.Ref);
      }
    },
  );
});

describe('JobBase integration scenario: the probes', () => {
  test.each([
    ['succeeds', 0],
    ['fails', 1],
  ] as const)('the job that %s exits %d, with a public IP to pull its public image', (_name, code) => {
    templates.probes.hasResourceProperties('AWS::Batch::JobDefinition', {
      ContainerProperties: Match.objectLike({
        Command: ['sh', '-c', Match.stringLikeRegexp(`; exit ${code}$`)],
        Image: Match.stringLikeRegexp('^public\\.ecr\\.aws/'),
        NetworkConfiguration: { AssignPublicIp: 'ENABLED' },
      }),
    });
  });

  test('each of the four inboxes receives every message of the stage topic, as SNS envelopes, unfiltered', () => {
    // Attribute filters would see no attributes in a per-protocol publish, and whether a MessageBody
    // filter sees the `sqs` body is undocumented: the readers pick their message instead.
    templates.probes.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      {
        Protocol: 'sqs',
        TopicArn: { 'Fn::ImportValue': Match.stringLikeRegexp('ExportsOutputRefNotifications') },
        FilterPolicy: Match.absent(),
        FilterPolicyScope: Match.absent(),
        RawMessageDelivery: Match.absent(),
      },
      4,
    );
    templates.probes.resourceCountIs('AWS::SNS::Subscription', 4);
  });

  test.each(['Succeeds', 'Fails', 'Stuck', 'Alarm'] as const)(
    'the %s inbox has a reader that may receive its messages, and nothing more',
    (inbox) => {
      const [queue] = Object.keys(templates.probes.findResources('AWS::SQS::Queue')).filter((id) =>
        id.startsWith(`${inbox}Inbox`),
      );
      templates.probes.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { INBOX_URL: { Ref: queue } } },
      });
      templates.probes.hasResourceProperties('AWS::IAM::Policy', {
        PolicyName: Match.stringLikeRegexp(`^${inbox}InboxReaderServiceRoleDefaultPolicy`),
        PolicyDocument: {
          Statement: [
            { Action: 'sqs:ReceiveMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
          ],
        },
      });
    },
  );
});
