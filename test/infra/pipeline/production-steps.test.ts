import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CodePipelineSource, type StackDeployment } from 'aws-cdk-lib/pipelines';
import type { PipelineStage } from '../../../bench/support/pipeline-template';
import { PipelineTools } from '../../../infra/pipeline/pipeline-tools';
import { addProductionSteps } from '../../../infra/pipeline/production-steps';
import { testApp } from '../../support/cdk';
import {
  VARIANTS,
  actionNamed,
  deployActions,
  envOf,
  listOf,
  roleStatements,
  stageNamed,
  synthPipeline,
  type SynthesizedPipeline,
} from './synth-pipeline';

const PROD_DEPLOY_ROLE =
  'arn:<AWS::Partition>:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-ap-northeast-1';

describe('production steps', () => {
  let pipeline: SynthesizedPipeline;
  let prod: PipelineStage;
  let topic: string;
  const action = (name: string) => actionNamed(prod, name);
  beforeAll(() => {
    pipeline = synthPipeline();
    prod = stageNamed(pipeline, 'prod');
    const { stack } = pipeline;
    topic = stack.getLogicalId(stack.approvalTopic!.node.defaultChild as CfnElement);
  });

  test('creates the change set, summarizes it, waits for approval, executes it, then protects the stack', () => {
    // WHEN the prod stage's actions are read in run order
    const sequence = [...prod.actions].sort((x, y) => x.runOrder - y.runOrder);
    expect(sequence.map((a) => [a.runOrder, a.name, a.kind])).toEqual([
      [1, 'Prepare', 'change-set-create'],
      [2, 'ChangeSetSummary', 'codebuild'],
      [3, 'Approve', 'approval'],
      [4, 'Deploy', 'change-set-execute'],
      [5, 'TerminationProtection', 'codebuild'],
    ]);
  });

  test('only production stages wait for an approval', () => {
    const approving = pipeline.stages.filter((s) => s.actions.some((a) => a.kind === 'approval'));
    expect(approving.map((s) => s.name)).toEqual(['prod']);
  });

  test('the approval executes the change set that was summarized: one name, one stack', () => {
    const { StackName, ChangeSetName } = action('Prepare').configuration;
    expect(action('Deploy').configuration).toMatchObject({ StackName, ChangeSetName });
    expect(envOf(action('ChangeSetSummary'))).toMatchObject({
      STACK_NAME: StackName,
      CHANGE_SET_NAME: ChangeSetName,
    });
  });

  test("the approval shows the summary's headline and change-set link, and notifies the approvers' topic", () => {
    const summary = action('ChangeSetSummary');
    const { BuildSpec } = summary.project?.Source as { BuildSpec: string };
    const spec = JSON.parse(BuildSpec) as { env?: { 'exported-variables'?: string[] } };
    const ns = summary.declaration.Namespace;
    expect(ns).toEqual(expect.any(String));
    expect(spec.env?.['exported-variables']).toEqual(['CHANGE_SET_HEADLINE', 'CHANGE_SET_URL']);
    expect(action('Approve').configuration).toEqual({
      CustomData: `#{${String(ns)}.CHANGE_SET_HEADLINE}`,
      ExternalEntityLink: `#{${String(ns)}.CHANGE_SET_URL}`,
      NotificationArn: { Ref: topic },
    });
  });

  test.each([
    ['ChangeSetSummary', 'change-set-summary'],
    ['TerminationProtection', 'protect-stack'],
  ])('%s runs the bundled %s against exactly the prod stack, through its deploy role', (name, tool) => {
    expect(action(name).commands[0]).toMatch(new RegExp(`^node \\S+/${tool}\\.cjs$`));
    expect(envOf(action(name))).toMatchObject({
      STAGE_NAME: 'prod',
      STACK_NAME: 'jobs-prod-JobBase',
      STACK_ACCOUNT: '222222222222',
      STACK_REGION: 'ap-northeast-1',
      DEPLOY_ROLE_ARN: PROD_DEPLOY_ROLE,
    });
  });

  test('the deploy role the steps assume is the one CodePipeline deploys prod with', () => {
    expect(listOf(action('Prepare').declaration.RoleArn)).toEqual([PROD_DEPLOY_ROLE]);
  });

  test.each([
    ['ChangeSetSummary', 'publish only to the approval topic', ['sts:AssumeRole', 'sns:Publish']],
    ['TerminationProtection', 'nothing else', ['sts:AssumeRole']],
  ])("%s's role may assume only prod's deploy role, and %s", (name, _what, actions) => {
    const statements = roleStatements(pipeline, action(name));
    const own = statements.filter((s) =>
      listOf(s.Action).some((a) => /^(sts|sns|cloudformation):|^\*$/.test(String(a))),
    );
    const resources: Record<string, string> = {
      'sts:AssumeRole': PROD_DEPLOY_ROLE,
      'sns:Publish': `<${topic}>`,
    };
    expect(own.map((s) => [s.Effect, s.Action, listOf(s.Resource)])).toEqual(
      actions.map((a) => ['Allow', a, [resources[a]]]),
    );
    expect(statements.filter((s) => listOf(s.Resource).includes('*'))).toEqual([]);
  });

  test('the approval topic: the AWS managed SNS key, TLS only, output for the approvers', () => {
    pipeline.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.stringLikeRegexp('alias/aws/sns'),
    });
    pipeline.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    pipeline.template.hasOutput('ApprovalTopicArn', { Value: { Ref: topic } });
  });

  test('without a production stage there is no approval, no review and no topic', () => {
    const { stages, template } = synthPipeline(VARIANTS.devOnly);
    const names = stages.flatMap((s) => s.actions.map((a) => a.name));
    expect(names.filter((n) => /Approve|ChangeSetSummary|TerminationProtection/.test(n))).toEqual([]);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  describe('in a wave of prod, prodeu (both production) and staging', () => {
    let wave: PipelineStage;
    beforeAll(() => {
      wave = stageNamed(synthPipeline(VARIANTS.productionWave), 'production');
    });

    test.each(['prod', 'prodeu'])(
      '%s gets its own review, between its own change set and execution',
      (stage) => {
        const step = (name: string) => actionNamed(wave, `${stage}.jobs-${stage}-JobBase.${name}`);
        const sequence = ['Prepare', 'ChangeSetSummary', 'Approve', 'Deploy'].map(
          (name) => step(name).runOrder,
        );
        expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
        expect(new Set(sequence).size).toBe(4);
        expect(step('Approve').configuration.CustomData).toBe(
          `#{${String(step('ChangeSetSummary').declaration.Namespace)}.CHANGE_SET_HEADLINE}`,
        );
      },
    );

    test('staging deploys without waiting for the approval', () => {
      const approval = Math.min(...wave.actions.filter((a) => a.kind === 'approval').map((a) => a.runOrder));
      const staging = deployActions(wave, 'jobs-staging-JobBase').map((a) => a.runOrder);
      expect(staging).toHaveLength(2);
      expect(Math.max(...staging)).toBeLessThan(approval);
    });
  });

  test.each([
    [
      'a deploy role',
      'assumeRoleArn',
      'stack S has no deploy role: production stages need the DefaultStackSynthesizer',
    ],
    ['an account', 'account', 'stack S has no account: give its stage an env'],
    ['a region', 'region', 'stack S has no region: give its stage an env'],
  ])('fails for a stack without %s', (_what, missing, message) => {
    const scope = new Stack(testApp(), 'Pipeline');
    const stack = {
      stackName: 'S',
      account: '222222222222',
      region: 'ap-northeast-1',
      assumeRoleArn: 'arn:${AWS::Partition}:iam::222222222222:role/deploy',
      [missing]: undefined,
    } as unknown as StackDeployment;
    const steps = {
      stageName: 'prod',
      stack,
      input: CodePipelineSource.s3(new s3.Bucket(scope, 'Source'), 'cloud-assembly.zip'),
      tools: new PipelineTools(scope, 'Tools'),
      approvalTopic: new sns.Topic(scope, 'ApprovalTopic'),
    };
    expect(() => addProductionSteps(steps)).toThrow(message);
  });
});
