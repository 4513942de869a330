import { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ConfigError } from '../core/config-error';
import { RESOURCE_TYPES, resourceType } from '../core/resource-types';

/**
 * The IAM actions the AWS provider calls for each Terraform resource type, as the CI roles need
 * them: `read` is what a refresh (`terraform plan`) calls, `write` what create, update and delete
 * call besides the reads. Derived from the resource-type registry (modules/core/resource-types.ts).
 */
export interface ResourceTypeActions {
  /** IAM actions of the provider's read function (refresh). */
  readonly read: readonly string[];
  /** IAM actions of create, update and delete. */
  readonly write: readonly string[];
}

/** Terraform resource type -> the provider's IAM actions (the registry's). */
export const TERRAFORM_RESOURCE_ACTIONS: Readonly<Record<string, ResourceTypeActions>> = Object.fromEntries(
  Object.entries(RESOURCE_TYPES).map(([type, entry]) => [type, { read: entry.read, write: entry.write }]),
);

/** The Terraform resource types of every resource under `scope`, sorted. */
export function resourceTypesIn(scope: IConstruct): string[] {
  const types = new Set<string>();
  for (const construct of scope.node.findAll()) {
    if (TerraformResource.isTerraformResource(construct)) {
      types.add((construct as TerraformResource).terraformResourceType);
    }
  }
  return [...types].sort();
}

/**
 * The registry's entries for these resource types; a type the registry does not know is a
 * ConfigError naming it, so a new resource type cannot leave the CI roles unable to plan or deploy it.
 */
export function actionsOfTypes(where: string, types: readonly string[]): ResourceTypeActions[] {
  const unknown = types.filter((t) => resourceType(t) === undefined);
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((type) => ({
        file: where,
        path: 'resource types of the stack',
        value: type,
        message:
          "must each have an entry in RESOURCE_TYPES (modules/core/resource-types.ts), or the CI roles could neither plan nor deploy them. Add the type with the IAM actions of the provider's read, create, update and delete functions",
      })),
    );
  }
  return types.map((t) => TERRAFORM_RESOURCE_ACTIONS[t]);
}

/** Sorted, without duplicates. */
export function uniqueSorted(actions: Iterable<string>): string[] {
  return [...new Set(actions)].sort();
}
