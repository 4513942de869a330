import { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { regionFree } from '../core/region-free';
import { isLiteral, terraformAttributes } from '../core/terraform-attributes';
import { READS_WITHOUT_RESOURCE_TYPES, RESOURCE_TYPES, type ReadScope, resourceType } from '../core/resource-types';

/**
 * The resources a `terraform plan` refresh reads, as the ARNs IAM authorizes those reads on, so
 * that the plan role reads the configuration of the stack's own roles, buckets, keys, groups,
 * queues, functions, rules, alarms and documents, and of nothing else in the account. The ARN
 * forms are the registry's (modules/core/resource-types.ts). Internal to github-oidc.
 */

export { READS_WITHOUT_RESOURCE_TYPES, regionFree };

/** How the reads of each service are scoped (the registry's `readScope` of its types). */
export const READ_SCOPE_OF_SERVICE: Readonly<Record<string, ReadScope>> = Object.fromEntries(
  Object.values(RESOURCE_TYPES).map((t) => [t.service, t.readScope]),
);

/** Terraform resource type -> the ARNs its refresh reads are authorized on (the registry's). */
export const REFRESH_ARNS = Object.fromEntries(
  Object.entries(RESOURCE_TYPES).flatMap(([type, t]) => (t.refreshArns ? [[type, t.refreshArns]] : [])),
);

/** The ARNs the refresh reads of the stack's resources are authorized on: service -> ARNs, sorted. */
export type RefreshResources = ReadonlyMap<string, readonly string[]>;

/** The refresh ARNs of every resource under `scope`, by service, region-free, sorted and without duplicates. */
export function refreshResourcesIn(
  scope: IConstruct,
  accountId: string,
  regions: readonly string[] = [],
): RefreshResources {
  const byService = new Map<string, Set<string>>();
  for (const construct of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(construct)) continue;
    const resource = construct as TerraformResource;
    const entry = resourceType(resource.terraformResourceType);
    if (!entry?.refreshArns) continue;
    const attributes = terraformAttributes(resource);
    const arns = entry.refreshArns({
      literal: (attribute) => (isLiteral(attributes[attribute]) ? (attributes[attribute] as string) : undefined),
      reference: (attribute) => resource.getStringAttribute(attribute),
      accountId,
    });
    const set = byService.get(entry.service) ?? new Set<string>();
    for (const arn of arns) set.add(isLiteral(arn) ? regionFree(arn, regions) : arn);
    byService.set(entry.service, set);
  }
  return new Map([...byService].sort(([a], [b]) => a.localeCompare(b)).map(([s, arns]) => [s, [...arns].sort()]));
}
