/**
 * Deletes the roles that ephemeral stages left in the preview account (`RetainRoles`): CloudFormation
 * keeps them, since deleting a role means removing its boundary, which the boundary forbids to every
 * preview. Run with the preview account's administrator credentials:
 *
 *   npm run clean-roles              # lists the roles whose stage has no stack left
 *   npm run clean-roles -- --delete  # deletes them
 *
 * A role is deleted only if it carries the preview boundary and the `ephemeral:stage` tag of a stage
 * with no stack left. It is never left unbounded with a policy (`deleteRole`).
 */
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
  PutRolePermissionsBoundaryCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam';
import {
  EPHEMERAL_TAGS,
  INTEG_APP_NAME,
  RETIRING_ROLE_TAG,
  decodeTagValue,
} from '../../infra/config/ephemeral';
import { parseConfig } from '../../infra/config/load';
import { previewBootstrapNames } from '../../infra/config/names';
import { appConfig } from '../../infra/config/stages';
import { findEphemeralStacks } from '../github/ephemeral-stacks';
import { runAsMain } from '../script-support';

export interface RetiredRole {
  readonly roleName: string;
  readonly stage: string;
  readonly boundaryArn: string;
}

/**
 * The roles with the boundary and a stage tag whose stage had no stack when the stacks were listed
 * (`listedAt`). A role created since may belong to a stack deployed since, so it is left alone.
 */
export async function retiredRoles(
  iam: IAMClient,
  boundaryName: string,
  liveStages: ReadonlySet<string>,
  listedAt: Date,
): Promise<RetiredRole[]> {
  const retired: RetiredRole[] = [];
  for await (const page of paginateListRoles({ client: iam }, {})) {
    for (const { RoleName: roleName } of page.Roles ?? []) {
      if (!roleName) continue;
      // ListRoles returns neither the boundary nor the tags.
      const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
      const boundaryArn = role?.PermissionsBoundary?.PermissionsBoundaryArn;
      if (!boundaryArn?.endsWith(`:policy/${boundaryName}`)) continue;
      if (!role?.CreateDate || role.CreateDate >= listedAt) continue;
      const tag = role?.Tags?.find((t) => t.Key === EPHEMERAL_TAGS.stage)?.Value;
      const stage = tag === undefined ? undefined : decodeTagValue(tag);
      if (stage !== undefined && !liveStages.has(stage)) retired.push({ roleName, stage, boundaryArn });
    }
  }
  return retired;
}

/**
 * The tag first (the boundary then denies every preview any change to the role), then the policies,
 * then the boundary, then the role. Should a policy be on the role still (IAM is eventually
 * consistent), the boundary stays; should the role stay, the boundary goes back.
 */
export async function deleteRole(iam: IAMClient, roleName: string, boundaryArn: string): Promise<void> {
  await iam.send(
    new TagRoleCommand({ RoleName: roleName, Tags: [{ Key: RETIRING_ROLE_TAG, Value: 'true' }] }),
  );
  const policies = async (): Promise<{ inline: string[]; attached: string[] }> => {
    const inline: string[] = [];
    const attached: string[] = [];
    for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName }))
      inline.push(...(page.PolicyNames ?? []));
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }))
      attached.push(...(page.AttachedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])));
    return { inline, attached };
  };
  const found = await policies();
  for (const name of found.inline)
    await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
  for (const arn of found.attached)
    await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
  const left = await policies();
  if (left.inline.length + left.attached.length > 0)
    throw new Error(`${roleName}: a policy is on the role again; its boundary stays (run it again later)`);
  await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: roleName }));
  try {
    await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  } catch (error) {
    await iam.send(
      new PutRolePermissionsBoundaryCommand({ RoleName: roleName, PermissionsBoundary: boundaryArn }),
    );
    throw error;
  }
}

if (require.main === module) {
  runAsMain('clean preview roles', async () => {
    const { values } = parseArgs({ options: { delete: { type: 'boolean', default: false } } });
    const config = parseConfig(appConfig);
    const boundaryName = previewBootstrapNames(config.appName).boundaryName;
    const cfn = new CloudFormationClient({});
    const iam = new IAMClient({});
    const listedAt = new Date();
    const live = await findEphemeralStacks(cfn, {
      appName: config.appName,
      repository: `${config.github.owner}/${config.github.repository}`,
      integAppName: INTEG_APP_NAME,
    });
    const roles = await retiredRoles(iam, boundaryName, new Set(live.map((s) => s.stage)), listedAt);
    for (const { roleName, stage, boundaryArn } of roles) {
      if (values.delete) await deleteRole(iam, roleName, boundaryArn);
      console.log(
        `${values.delete ? 'deleted' : 'would delete'} ${roleName} (stage ${stage}, no stack left)`,
      );
    }
    if (roles.length === 0) console.log('No role of a deleted stage is left.');
  });
}
