import { REVIEW_METADATA_KEY, REVIEW_METADATA_VERSION, type ReviewPart } from '../../modules/core/review-metadata';
import type { SessionLogDestination } from '../../modules/core/session-log-destination';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { POLICY_ATTRIBUTES } from '../../modules/core/resource-types';
import { NoAccessModelError, StackReadError } from '../errors';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import type { PolicyDocument } from '../../modules/core/policy-document';
import type {
  AccessModel,
  DescribedResource,
  IdentityAccess,
  ResolvedDestination,
  StackAccess,
  SynthesizedAccess,
  SynthesizedCiAccess,
} from './access-model';
import { readResolvedPolicy, regionOf, resolveReferences } from './policies';

export { NoAccessModelError } from '../errors';
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
        throw new StackReadError(
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

/** The SAML role's trust policy, and each region's launch tagger role with its inline policy. */
function readIdentityAccess(
  model: AccessModel,
  stack: SynthesizedStack,
  taggerRoles: readonly DescribedResource<'launch-tagger-role'>[],
): IdentityAccess {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const resources = (type: string): Record<string, any> => stack.json.resource?.[type] ?? {};
  // A tagger's policy is the inline policy on its role (`role = aws_iam_role.<name>.id`).
  const taggers = taggerRoles.map(({ name, description }) => {
    const policy = Object.values(resources('aws_iam_role_policy')).find((p) =>
      new RegExp(`^\\$\\{aws_iam_role\\.${name}\\.(id|name)\\}$`).test(String(p.role)),
    );
    if (!policy)
      throw new StackReadError(`${stack.name}: the launch tagger role ${description.roleName} has no inline policy`);
    return {
      region: description.region,
      roleName: description.roleName,
      policy: readResolvedPolicy(stack, policy.policy),
    };
  });
  const identity = model.identity;
  const federatedRole = Object.entries(resources('aws_iam_role')).find(
    ([, r]) => identity.part === 'federated-role' && r.name === identity.roleName,
  );
  return {
    ...(federatedRole ? { federatedTrust: readResolvedPolicy(stack, federatedRole[1].assume_role_policy) } : {}),
    launchTaggerPolicies: taggers,
  };
}

interface Resource {
  readonly name?: string;
  readonly role?: string;
  readonly policy_arn?: string;
  readonly policy?: string;
  readonly permissions_boundary?: string;
}

const REF = /^\$\{aws_iam_(role|policy)\.([\w-]+)\.(name|arn|id)\}$/;

/** The CI roles' policies in a synthesized stack; undefined where the environment has no `ci`. */
function readCiAccess(model: AccessModel, stack: SynthesizedStack): SynthesizedCiAccess | undefined {
  if (!model.ci) return undefined;
  const resources = (type: string) => (stack.json.resource?.[type] ?? {}) as Record<string, Resource>;
  const roles = resources('aws_iam_role');
  const managed = resources('aws_iam_policy');
  const roleNameOf = (ref: string) => {
    const m = REF.exec(ref);
    return m ? roles[m[2]]?.name : ref;
  };
  const names = { plan: model.ci.planRoleName, deploy: model.ci.deployRoleName };
  const policiesOf = (roleName: string): PolicyDocument[] => [
    ...Object.values(resources('aws_iam_role_policy_attachment'))
      .filter((a) => roleNameOf(String(a.role)) === roleName)
      .map((a) => {
        const m = REF.exec(String(a.policy_arn));
        if (!m)
          throw new StackReadError(
            `${stack.name}: ${roleName} has an attachment of ${a.policy_arn}, not a policy of the stack`,
          );
        return readResolvedPolicy(stack, managed[m[2]].policy!);
      }),
    ...Object.values(resources('aws_iam_role_policy'))
      .filter((p) => roleNameOf(String(p.role)) === roleName)
      .map((p) => readResolvedPolicy(stack, p.policy!)),
  ];
  const planRole = Object.values(roles).find((r) => r.name === names.plan)!;
  const boundaryRef = REF.exec(String(planRole.permissions_boundary));
  if (!boundaryRef)
    throw new StackReadError(`${stack.name}: the plan role carries no permissions boundary of the stack`);
  const boundary = managed[boundaryRef[2]];
  return {
    planRoleName: names.plan,
    deployRoleName: names.deploy,
    boundaryArn: `arn:aws:iam::${model.ci.accountId}:policy/${boundary.name}`,
    planPolicies: policiesOf(names.plan),
    deployPolicies: policiesOf(names.deploy),
    boundary: readResolvedPolicy(stack, boundary.policy!),
  };
}
