import type { IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Runs a cdk-nag pack as a policy-validation plugin: aws-cdk-lib 2.257 gives plugins no construct
 * tree, so this hands it to the pack through `validateScope`, as cdk-nag documents for such versions.
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
