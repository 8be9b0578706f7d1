import type { IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Runs a cdk-nag pack as a CDK policy-validation plugin over the whole construct tree.
 *
 * cdk-nag 3 packs read the construct tree from the validation context, which aws-cdk-lib 2.257 does
 * not provide yet (the pack then reports a plugin failure instead of findings); this adapter hands
 * the pack the tree through `validateScope`, the entry point cdk-nag documents for such versions.
 * Findings acknowledged with `Validations.of(construct).acknowledge(...)` are left out by the pack.
 */
export class NagValidationPlugin implements IPolicyValidationPlugin {
  public readonly name: string;

  constructor(
    private readonly scope: IConstruct,
    private readonly pack: NagPack,
  ) {
    this.name = pack.readPackName;
  }

  public validate(): PolicyValidationPluginReport {
    return this.pack.validateScope(this.scope);
  }
}
