import { RegionInfo } from 'aws-cdk-lib/region-info';

/** The regions aws-cdk-lib's region-info knows: a typo fails in the configuration, not in synthesis. */
const KNOWN_REGIONS = new Set(RegionInfo.regions.map((r) => r.name));

export function isKnownRegion(name: string): boolean {
  return KNOWN_REGIONS.has(name);
}
