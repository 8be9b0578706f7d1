import {
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { deleteRole, retiredRoles } from '../../../scripts/dev/clean-preview-roles';

const iam = mockClient(IAMClient);
const BOUNDARY = 'arn:aws:iam::333333333333:policy/jobs-preview-boundary';
const role = (name: string, boundary: string | undefined, stage: string | undefined) => ({
  RoleName: name,
  Path: '/',
  RoleId: name,
  Arn: `arn:aws:iam::333333333333:role/${name}`,
  CreateDate: new Date(0),
  AssumeRolePolicyDocument: '{}',
  ...(boundary && {
    PermissionsBoundary: {
      PermissionsBoundaryArn: boundary,
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const,
    },
  }),
  ...(stage && { Tags: [{ Key: 'ephemeral:stage', Value: stage }] }),
});

beforeEach(() => iam.reset());

test('retires only bounded roles, created before the stacks were listed, of a stage with no stack left, over every page', async () => {
  const roles = [
    role('gone', BOUNDARY, 'pr-1'),
    role('live', BOUNDARY, 'pr-2'),
    role('unbounded', undefined, 'pr-1'),
    role('untagged', BOUNDARY, undefined),
    role('other-boundary', 'arn:aws:iam::333333333333:policy/other', 'pr-1'),
    // Created after the stacks were listed: maybe by a deploy of pr-1 that started since.
    { ...role('new', BOUNDARY, 'pr-1'), CreateDate: new Date('2026-12-05T12:00:00Z') },
  ];
  iam
    .on(ListRolesCommand)
    .resolvesOnce({ Roles: roles.slice(0, 2), Marker: 'next', IsTruncated: true })
    .resolvesOnce({ Roles: roles.slice(2) });
  for (const r of roles) iam.on(GetRoleCommand, { RoleName: r.RoleName }).resolves({ Role: r });
  const listedAt = new Date('2026-12-05T11:59:00Z');
  expect(await retiredRoles(new IAMClient({}), 'jobs-preview-boundary', new Set(['pr-2']), listedAt)).toEqual(
    [{ roleName: 'gone', stage: 'pr-1', boundaryArn: BOUNDARY }],
  );
});

test('tags the role as retiring, deletes its policies, then the boundary, then the role', async () => {
  iam
    .on(ListRolePoliciesCommand)
    .resolvesOnce({ PolicyNames: ['inline'] })
    .resolves({ PolicyNames: [] });
  iam
    .on(ListAttachedRolePoliciesCommand)
    .resolvesOnce({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/P' }] })
    .resolves({ AttachedPolicies: [] });
  await deleteRole(new IAMClient({}), 'gone', BOUNDARY);
  const order = iam.calls().map((call) => call.args[0].constructor.name);
  expect(order.filter((name) => !name.startsWith('List'))).toEqual([
    TagRoleCommand.name,
    DeleteRolePolicyCommand.name,
    DetachRolePolicyCommand.name,
    DeleteRolePermissionsBoundaryCommand.name,
    DeleteRoleCommand.name,
  ]);
  expect(iam.commandCalls(TagRoleCommand)[0]?.args[0].input.Tags).toEqual([
    { Key: 'ephemeral:retiring', Value: 'true' },
  ]);
});

test('fails with the boundary kept when a policy is on the role again before the boundary comes off', async () => {
  iam
    .on(ListRolePoliciesCommand)
    .resolvesOnce({ PolicyNames: [] })
    .resolves({ PolicyNames: ['late'] });
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
  await expect(deleteRole(new IAMClient({}), 'gone', BOUNDARY)).rejects.toThrow('its boundary stays');
  expect(iam.commandCalls(DeleteRolePermissionsBoundaryCommand)).toHaveLength(0);
});

test('fails with the error, the boundary put back, when the role cannot be deleted', async () => {
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(DeleteRoleCommand).rejects(new Error('DeleteConflict: a policy was attached meanwhile'));
  await expect(deleteRole(new IAMClient({}), 'gone', BOUNDARY)).rejects.toThrow('DeleteConflict');
  expect(iam.commandCalls(PutRolePermissionsBoundaryCommand)[0]?.args[0].input).toEqual({
    RoleName: 'gone',
    PermissionsBoundary: BOUNDARY,
  });
});
