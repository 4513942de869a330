/**
 * A name or ARN with each of the regions replaced by `*`: the per-region copies of a resource (a
 * bucket or role named after its region) become one pattern, so that a policy naming them stays
 * the same size however many regions the environment has. The statement's other scoping (the
 * account in the name, an `aws:RequestedRegion` condition) keeps the pattern to the environment.
 */
export function regionFree(arn: string, regions: readonly string[]): string {
  let result = arn;
  for (const region of regions) result = result.split(region).join('*');
  return result.replace(/\*(\*)+/g, '*');
}

/** The condition that keeps a region-free statement to these regions. */
export function inRegions(regions: readonly string[]): { StringEquals: { 'aws:RequestedRegion': string[] } } {
  return { StringEquals: { 'aws:RequestedRegion': [...regions] } };
}
