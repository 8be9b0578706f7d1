import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { previewBootstrapNames } from '../../infra/config/names';
import { buildPlatform } from '../../infra/platform';
import { exampleConfig, testApp } from '../support/cdk';
import { isAllowed } from '../support/iam-evaluation';
import { previewAccountPolicies, previewArn } from '../support/preview-policies';

/**
 * CloudFormation deploys, updates and deletes the preview account's stacks with the execution role:
 * its execution policy, capped by the boundary on it. Every action each resource handler calls must
 * be allowed, for every resource of a preview stage, the preview network and the integration
 * scenario. The actions are AWS's: the resource provider schemas' `handlers.*.permissions`.
 */

type Handler = 'create' | 'update' | 'delete';
const HANDLERS: readonly Handler[] = ['create', 'update', 'delete'];
const SCHEMAS = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'cloudformation', 'handler-permissions.json'), 'utf8'),
) as { types: Record<string, Partial<Record<Handler, string[]>>> };

/**
 * What the schemas leave out: the role handler removes a role's boundary before it deletes the role
 * (the AccessDenied of aws/copilot-cli#5672), and CloudFormation invokes a custom resource's function.
 */
const CALLS_NOT_IN_SCHEMAS: Record<string, Partial<Record<Handler, string[]>>> = {
  'AWS::IAM::Role': { delete: ['iam:DeleteRolePermissionsBoundary'] },
};
const CUSTOM_RESOURCE_CALLS = ['lambda:InvokeFunction'];

interface Resource {
  readonly Type: string;
  readonly DeletionPolicy?: string;
  readonly Properties?: { PermissionsBoundary?: unknown };
}

/**
 * The templates CloudFormation deploys in the preview account with the scoped bootstrap: a preview
 * stage and the preview network as the app builds them, and the integration scenario's stacks as its
 * committed snapshot holds them (which `npm run integ` keeps equal to what the code synthesizes).
 */
function previewAccountTemplates(): Array<[string, { Resources: Record<string, Resource> }]> {
  const { stage } = buildPlatform(testApp(), exampleConfig(), { stage: 'pr-42' });
  const { previewNetwork } = buildPlatform(testApp(), exampleConfig());
  const snapshot = join(__dirname, '..', '..', 'integ', 'integ.job-base.ts.snapshot');
  const integ = ['JobBase', 'Probes', 'Assertions'].map(
    (name) =>
      [`integ ${name}`, JSON.parse(readFileSync(join(snapshot, `${name}.template.json`), 'utf8'))] as [
        string,
        { Resources: Record<string, Resource> },
      ],
  );
  return [
    ['pr-42/JobBase', Template.fromStack(stage!.stack).toJSON() as never],
    ['PreviewNetwork', Template.fromStack(previewNetwork!).toJSON() as never],
    ...integ,
  ];
}

/** The actions CloudFormation calls for a resource, per handler, as AWS publishes them. */
function callsOf(resource: Resource): Array<[Handler, string]> {
  if (resource.Type === 'AWS::CDK::Metadata') return [];
  if (resource.Type.startsWith('Custom::'))
    return HANDLERS.flatMap((h) => CUSTOM_RESOURCE_CALLS.map((a) => [h, a] as [Handler, string]));
  const schema = SCHEMAS.types[resource.Type];
  if (!schema)
    throw new Error(`add ${resource.Type} to test/fixtures/cloudformation/handler-permissions.json`);
  return HANDLERS.flatMap((handler) =>
    [...(schema[handler] ?? []), ...(CALLS_NOT_IN_SCHEMAS[resource.Type]?.[handler] ?? [])].map(
      (action) => [handler, action] as [Handler, string],
    ),
  );
}

describe('the preview account: CloudFormation may create, update and delete every resource', () => {
  const { execution, boundary, boundaryArn } = previewAccountPolicies();
  const resources = previewAccountTemplates().flatMap(([name, template]) =>
    Object.entries(template.Resources).map(([id, r]) => ({ name, id, ...r })),
  );

  test('every role carries the boundary and is retained: a delete never removes a boundary', () => {
    const roles = resources.filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(5);
    const unsafe = roles.filter(
      (r) =>
        r.DeletionPolicy !== 'Retain' ||
        JSON.stringify(r.Properties?.PermissionsBoundary ?? '').indexOf(
          previewBootstrapNames('jobs').boundaryName,
        ) < 0,
    );
    expect(unsafe.map((r) => `${r.name} ${r.id}`)).toEqual([]);
  });

  test('every action of every handler is allowed by the execution policy within the boundary', () => {
    const refused = resources.flatMap((resource) =>
      callsOf(resource)
        // A retained resource is never deleted. The role handler removes a boundary on update only
        // when the template drops it, and every role carries it (above).
        .filter(([handler]) => !(handler === 'delete' && resource.DeletionPolicy === 'Retain'))
        .filter(
          ([handler, action]) =>
            !(
              resource.Type === 'AWS::IAM::Role' &&
              handler === 'update' &&
              action === 'iam:DeleteRolePermissionsBoundary'
            ),
        )
        .filter(([, action]) => {
          const service = action.split(':')[0]!.toLowerCase();
          const request = {
            action,
            resource: service === 'iam' ? previewArn(`role/jobs-pr-42-JobBase-Role${resource.id}`) : '*',
            // CloudFormation passes the template's boundary, which every role carries.
            context: { 'iam:PermissionsBoundary': boundaryArn },
          };
          return !isAllowed(request, execution, boundary);
        })
        .map(([handler, action]) => `${resource.Type} ${handler}: ${action}`),
    );
    expect([...new Set(refused)].sort()).toEqual([]);
  });
});
