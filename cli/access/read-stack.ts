import { REVIEW_METADATA_KEY, REVIEW_METADATA_VERSION, type ReviewPart } from '../../modules/core/review-metadata';
import type { SessionLogDestination } from '../../modules/core/session-log-destination';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { POLICY_ATTRIBUTES } from '../../modules/core/resource-types';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import { readIdentityAccess } from './access-matrix-identity';
import type {
  AccessModel,
  DescribedResource,
  ResolvedDestination,
  StackAccess,
  SynthesizedAccess,
} from './access-model';
import { readCiAccess } from './ci-access';
import { readResolvedPolicy, regionOf, resolveReferences } from './policies';

export type {
  AccessModel,
  DescribedResource,
  PolicyLocation,
  ResolvedDestination,
  StackAccess,
  SynthesizedAccess,
} from './access-model';

/**
 * Reads the access model back from a synthesized stack: the constructs of this package describe
 * their resources in each resource's `"//"` comment (modules/core/review-metadata.ts). Those
 * descriptions are the settings ({@link AccessModel}), read as the constructs wrote them; the
 * policies come from the synthesized resources, so the access matrix runs on any app that composes
 * the constructs.
 */

/** Why a stack has no access matrix, in one line (for the report). */
export class NoAccessModelError extends Error {
  constructor(
    stack: string,
    readonly reason: string,
  ) {
    super(`${stack}: ${reason}`);
    this.name = 'NoAccessModelError';
  }
}

/** The identity-policy attribute of a type (the registry's), where the session policy can live. */
const identityPolicyAttribute = (type: string) =>
  POLICY_ATTRIBUTES[type]?.find((p) => p.kind === 'identity')?.attribute;

/** Every resource of the stack that a construct of this package described. */
export function describedResources(stack: SynthesizedStack): DescribedResource[] {
  const found: DescribedResource[] = [];
  for (const [type, byName] of Object.entries((stack.json.resource ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [name, resource] of Object.entries(byName)) {
      const raw = (resource as { '//'?: Record<string, unknown> })['//']?.[REVIEW_METADATA_KEY] as
        (ReviewPart & { version?: number }) | undefined;
      if (!raw) continue;
      if (typeof raw.version === 'number' && raw.version > REVIEW_METADATA_VERSION) {
        throw new Error(
          `${stack.name}: ${type}.${name} was synthesized by a newer ssm-federated-access (review metadata version ${raw.version}); update the package that runs the review`,
        );
      }
      const { version: _version, ...description } = raw;
      found.push({ type, name, description: description as ReviewPart, resource });
    }
  }
  return found;
}

function ofPart<P extends ReviewPart['part']>(all: readonly DescribedResource[], part: P): DescribedResource<P>[] {
  return all.filter((d) => d.description.part === part) as unknown as DescribedResource<P>[];
}

/**
 * The settings and policies of the stack's access model, or a {@link NoAccessModelError} saying
 * which construct is missing.
 */
export function readStackAccess(stack: SynthesizedStack): StackAccess {
  const all = describedResources(stack);
  const [policy, ...morePolicies] = ofPart(all, 'session-policy');
  if (!policy)
    throw new NoAccessModelError(
      stack.name,
      'no SessionAccessPolicy attached to a role (attachToRole) or to an IdentityCenterPermissionSet',
    );
  if (morePolicies.length > 0)
    throw new NoAccessModelError(
      stack.name,
      `${morePolicies.length + 1} session access policies; the matrix reads one per stack`,
    );
  const federation = ofPart(all, 'federated-role')[0];
  const permissionSet = ofPart(all, 'permission-set')[0];
  if (!federation && !permissionSet)
    throw new NoAccessModelError(stack.name, 'no SamlFederation role and no IdentityCenterPermissionSet');

  const instanceRole = ofPart(all, 'instance-role')[0];
  const instancePolicy = ofPart(all, 'instance-policy')[0];
  const ci = ofPart(all, 'ci-plan-role')[0];
  const breakGlass = ofPart(all, 'break-glass-role')[0];
  const p = policy.description;
  const model: AccessModel = {
    sessionPolicy: p,
    identity: federation
      ? federation.description
      : {
          ...permissionSet!.description,
          region: regionOf(stack, permissionSet!.type, permissionSet!.name),
          // Written escaped for Terraform; the model holds the text Identity Center gets.
          runAsAttribute: unescapeTerraformTemplate(permissionSet!.description.runAsAttribute),
          attributePaths: Object.fromEntries(
            Object.entries(permissionSet!.description.attributePaths).map(([k, v]) => [
              k,
              unescapeTerraformTemplate(v),
            ]),
          ),
        },
    preferences: ofPart(all, 'session-preferences').map((d) => d.description),
    launchTaggers: ofPart(all, 'launch-tagger-role').map((d) => d.description),
    ...(ci ? { ci: ciRoles(ci) } : {}),
    ...(breakGlass
      ? {
          breakGlass: {
            roleName: breakGlass.description.roleName,
            regions: breakGlass.description.regions,
            requireRunAsTag: breakGlass.description.requireRunAsTag,
            alarmedRegions: ofPart(all, 'break-glass-alarm')
              .filter((a) => a.description.roleName === breakGlass.description.roleName)
              .map((a) => a.description.region)
              .sort(),
          },
        }
      : {}),
  };

  const attribute = identityPolicyAttribute(policy.type);
  if (!attribute) throw new NoAccessModelError(stack.name, `the session policy is on a ${policy.type}, not a policy`);
  const access: SynthesizedAccess = {
    model,
    sessionPolicy: readResolvedPolicy(stack, String(policy.resource[attribute])),
    ...(breakGlass ? { breakGlassPolicy: readResolvedPolicy(stack, String(breakGlass.resource.policy)) } : {}),
    scp: readResolvedPolicy(stack, p.ownershipTagScp),
    ...(instanceRole
      ? {
          instanceRoleName: instanceRole.description.roleName,
          instanceTrust: readResolvedPolicy(stack, String(instanceRole.resource.assume_role_policy)),
        }
      : {}),
    ...(instancePolicy ? { instancePolicy: readResolvedPolicy(stack, String(instancePolicy.resource.policy)) } : {}),
    destinations: (instanceRole?.description.logDestinations ?? []).map((d) => resolveDestination(stack, d)),
    launchTaggerRoleNames: model.launchTaggers.map((t) => t.roleName),
    ...readIdentityAccess(model, stack, ofPart(all, 'launch-tagger-role')),
    ...(model.ci ? { ci: readCiAccess(model, stack) } : {}),
  };
  return {
    access,
    sessionPolicyLocation: {
      type: policy.type,
      name: policy.name,
      attribute,
      address: `${policy.type}.${policy.name}`,
    },
  };
}

function resolveDestination(stack: SynthesizedStack, d: SessionLogDestination): ResolvedDestination {
  const keyReference = /^\$\{aws_kms_key\.([\w-]+)\.arn\}$/.exec(d.kmsKeyArn ?? '');
  const keyResource = keyReference ? stack.json.resource?.aws_kms_key?.[keyReference[1]] : undefined;
  const s3Bucket = resolveReferences(stack, d.s3BucketName ?? '');
  const buckets = Object.values((stack.json.resource?.aws_s3_bucket ?? {}) as Record<string, { bucket?: string }>);
  return {
    region: d.region,
    s3Bucket,
    ...(s3Bucket && !buckets.some((b) => b.bucket === s3Bucket) ? { s3BucketManagedElsewhere: true } : {}),
    s3KeyPrefix: resolveReferences(stack, d.s3KeyPrefix ?? ''),
    logGroup: resolveReferences(stack, d.logGroupName ?? ''),
    kmsKeyArn: resolveReferences(stack, d.kmsKeyArn ?? ''),
    ...(keyResource?.policy ? { keyPolicy: readResolvedPolicy(stack, keyResource.policy) } : {}),
    ...(keyReference ? { kmsKeyAliases: aliasesOf(stack, keyReference[1]) } : {}),
    ...(d.s3KmsKeyArn ? { s3KmsKeyArn: resolveReferences(stack, d.s3KmsKeyArn) } : {}),
  };
}

/** The aliases the stack gives one of its keys (what `kms:ResourceAliases` holds for it). */
function aliasesOf(stack: SynthesizedStack, keyName: string): string[] {
  const aliases = Object.values((stack.json.resource?.aws_kms_alias ?? {}) as Record<string, Record<string, string>>);
  return aliases
    .filter((a) => a.target_key_id === `\${aws_kms_key.${keyName}.key_id}`)
    .map((a) => a.name)
    .sort();
}

/** The CI roles' description without its part name. */
function ciRoles(d: DescribedResource<'ci-plan-role'>): NonNullable<AccessModel['ci']> {
  const { part: _part, ...roles } = d.description;
  return roles;
}
