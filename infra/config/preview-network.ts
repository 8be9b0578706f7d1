export const PREVIEW_NETWORK_ID = 'PreviewNetwork';

/** The exports previews import; they cannot change while imported, so the network outlives every preview. */
export function previewNetworkNames(appName: string, zoneCount: number) {
  const prefix = `${appName}-${PREVIEW_NETWORK_ID}`;
  return {
    stackName: prefix,
    vpcIdExport: `${prefix}-VpcId`,
    subnetIdExports: Array.from({ length: zoneCount }, (_, i) => `${prefix}-PublicSubnet${i + 1}Id`),
  };
}
