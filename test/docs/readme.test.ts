import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { JobBaseStack } from '../../infra/stacks/job-base-stack';
import { stageConfig, testApp } from '../support/cdk';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text of a `###` section of the README, up to the next heading of level 2 or 3. */
function section(title: string): string {
  const start = README.indexOf(`\n### ${title}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = README.slice(start + 1);
  const end = rest.slice(1).search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** The fenced code blocks of `text`. */
function codeBlocks(text: string): string[] {
  return [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README: first-time setup on AWS', () => {
  const setup = section('On AWS');
  const SERVICE_LINKED_ROLES = [
    'aws iam create-service-linked-role --aws-service-name batch.amazonaws.com',
    'aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com',
  ];

  test('creates the Batch and ECS service-linked roles in every stage account, before the first deploy', () => {
    // GIVEN the commands that prepare a stage account (its bootstrap)
    const stageAccount = codeBlocks(setup).find((block) =>
      block.includes('cdk bootstrap aws://STAGE_ACCOUNT'),
    );
    expect(stageAccount).toBeDefined();
    const lines = stageAccount!.split('\n').map((line) => line.trim());
    const bootstrap = lines.findIndex((line) => line.startsWith('npx cdk bootstrap aws://STAGE_ACCOUNT'));
    // THEN both roles are created there, with the stage account's credentials, for each stage account
    for (const command of SERVICE_LINKED_ROLES) {
      const at = lines.indexOf(command);
      expect({ command, found: at >= 0 }).toEqual({ command, found: true });
      const comment = lines
        .slice(0, at)
        .reverse()
        .find((line) => line.startsWith('#'));
      expect(comment).toMatch(/every account that holds a stage \(`?stages\[\]\.account`?.*preview\.account/);
      expect(at).toBeLessThan(bootstrap);
    }
    // AND before anything is deployed
    expect(setup.indexOf(SERVICE_LINKED_ROLES[0]!)).toBeLessThan(setup.indexOf('npx cdk deploy'));
  });

  test('says that an existing role is fine, and why the stack does not create the roles', () => {
    expect(setup).toMatch(/has\s+been taken in this account/);
    expect(setup).toMatch(/AWS::IAM::ServiceLinkedRole/);
  });
});

describe('README: what a deleted stage leaves', () => {
  /** The row of the table that documents each retained resource type. */
  const ROWS: Record<string, RegExp> = {
    'AWS::KMS::Key': /^\| KMS key of the topic /m,
    'AWS::SNS::Topic': /^\| SNS topic /m,
    'AWS::SQS::Queue': /^\| dead-letter queue /m,
    'AWS::Logs::LogGroup': /^\| log groups: /m,
  };

  test('has a row with a removal command for every resource type a long-lived stage retains', () => {
    // GIVEN a long-lived stage with everything optional on
    const stage = stageConfig({ smokeTest: true, batch: { spot: true } });
    const stack = new JobBaseStack(testApp(), 'JobBase', {
      appName: 'jobs',
      stage,
      env: { account: stage.account, region: stage.region },
    });
    const resources = Object.values(
      Template.fromStack(stack).toJSON().Resources as Record<
        string,
        { Type: string; DeletionPolicy?: string }
      >,
    );
    const retained = [...new Set(resources.filter((r) => r.DeletionPolicy === 'Retain').map((r) => r.Type))];
    // THEN every retained type is documented, and nothing documented is deleted after all
    expect(retained.sort()).toEqual(Object.keys(ROWS).sort());
    const costs = section('What a deleted stage leaves, and what it costs');
    for (const type of retained) {
      const row = costs.split('\n').find((line) => ROWS[type]!.test(line));
      expect({ type, row: row?.match(/`aws [a-z]+ [a-z-]+/)?.[0] }).toEqual({
        type,
        row: expect.any(String),
      });
    }
  });
});
