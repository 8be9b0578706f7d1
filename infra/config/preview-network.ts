/**
 * The names by which previews find the preview network: the stack `<app>-PreviewNetwork` exports its
 * VPC and one public subnet per zone, and each preview imports them (`Fn::ImportValue`). Exported
 * values cannot change or go while a preview imports them, so the network outlives every preview.
 */
export const PREVIEW_NETWORK_ID = 'PreviewNetwork';

export interface PreviewNetworkNames {
  readonly stackName: string;
  readonly vpcIdExport: string;
  /** One per availability zone, in the configured order. */
  readonly subnetIdExports: readonly string[];
}

export function previewNetworkNames(appName: string, zoneCount: number): PreviewNetworkNames {
  const prefix = `${appName}-${PREVIEW_NETWORK_ID}`;
  return {
    stackName: prefix,
    vpcIdExport: `${prefix}-VpcId`,
    subnetIdExports: Array.from({ length: zoneCount }, (_, i) => `${prefix}-PublicSubnet${i + 1}Id`),
  };
}
