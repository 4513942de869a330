import type { PolicyDocument } from '../../modules/core/policy-document';
import { REVIEW_METADATA_KEY, REVIEW_METADATA_VERSION, type ReviewPart } from '../../modules/core/review-metadata';
import type { SessionLogDestination } from '../../modules/core/session-log-destination';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import type { AccessConfig } from './access-config';
import { type IdentityAccess, readIdentityAccess } from './access-matrix-identity';
import { type SynthesizedCiAccess, readCiAccess } from './ci-access';
import { readResolvedPolicy, regionOf, resolveReferences } from './policies';

/**
 * Reads the access model back from a synthesized stack: the constructs of this package describe
 * their resources in each resource's `"//"` comment (modules/core/review-metadata.ts). From those
 * descriptions come the settings (an {@link AccessConfig}, the shape of an environment file) and the
 * policies as synthesized, so the access matrix runs on any app that composes the constructs.
 */

/** A resource the constructs described, with where it is. */
export interface DescribedResource<P extends ReviewPart['part'] = ReviewPart['part']> {
  readonly type: string;
  readonly name: string;
  readonly description: Extract<ReviewPart, { part: P }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly resource: any;
}

/** The policies as synthesized, resolved for evaluation. */
export interface SynthesizedAccess extends IdentityAccess {
  readonly sessionPolicy: PolicyDocument;
  readonly scp: PolicyDocument;
  /** The instance role's name, policy and trust policy (absent when the stack has no `ManagedInstanceRole`). */
  readonly instanceRoleName?: string;
  readonly instancePolicy?: PolicyDocument;
  readonly instanceTrust?: PolicyDocument;
  /** Per region, where sessions are logged (what the instance role may write to). */
  readonly destinations: readonly ResolvedDestination[];
  /** Names of the launch tagger roles the stack creates (none where it has no tagger). */
  readonly launchTaggerRoleNames: readonly string[];
  /** The GitHub Actions roles' policies and boundary (stacks with `GitHubActionsRoles` only). */
  readonly ci?: SynthesizedCiAccess;
}

export interface ResolvedDestination {
  readonly region: string;
  readonly s3Bucket: string;
  readonly s3KeyPrefix: string;
  readonly logGroup: string;
  readonly kmsKeyArn: string;
  /** The key's policy, the resource policy of KMS requests. */
  readonly keyPolicy?: PolicyDocument;
}

/** Where the people's session policy is in the stack. */
export interface PolicyLocation {
  readonly type: string;
  readonly name: string;
  /** The argument that holds the policy JSON. */
  readonly attribute: string;
  /** `type.name`, as in a plan. */
  readonly address: string;
}

export interface StackAccess {
  readonly config: AccessConfig;
  readonly access: SynthesizedAccess;
  readonly sessionPolicyLocation: PolicyLocation;
}

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

const POLICY_ARGUMENT: Readonly<Record<string, string>> = {
  aws_iam_role_policy: 'policy',
  aws_ssoadmin_permission_set_inline_policy: 'inline_policy',
};

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

  const p = policy.description;
  const preferences = ofPart(all, 'session-preferences').map((d) => d.description);
  const primaryPreferences = preferences.find((d) => d.region === p.regions[0]) ?? preferences[0];
  const taggers = ofPart(all, 'launch-tagger-role').map((d) => d.description);
  const ci = ofPart(all, 'ci-plan-role')[0]?.description;
  const instanceRole = ofPart(all, 'instance-role')[0];
  const instancePolicy = ofPart(all, 'instance-policy')[0];

  const identity: AccessConfig['identity'] = federation
    ? {
        type: 'saml',
        providerName: federation.description.providerName,
        roleName: federation.description.roleName,
        maxSessionDurationHours: federation.description.maxSessionDurationHours,
        ...(federation.description.sourceIdentity ? { sourceIdentity: federation.description.sourceIdentity } : {}),
      }
    : {
        type: 'identity-center',
        instanceArn: permissionSet!.description.instanceArn,
        region: regionOf(stack, permissionSet!.type, permissionSet!.name),
        permissionSetName: permissionSet!.description.permissionSetName,
        sessionDurationHours: permissionSet!.description.sessionDurationHours,
        runAsAttribute: unescapeTerraformTemplate(permissionSet!.description.runAsAttribute),
        attributePaths: Object.fromEntries(
          Object.entries(permissionSet!.description.attributePaths).map(([k, v]) => [k, unescapeTerraformTemplate(v)]),
        ),
        manageAccessControlAttributes: permissionSet!.description.manageAccessControlAttributes,
        assignments: permissionSet!.description.assignments,
      };

  const config: AccessConfig = {
    name: p.environment,
    accountId: p.accountId,
    primaryRegion: p.regions[0],
    regions: p.regions,
    identity,
    runAs: {
      enabled: primaryPreferences?.runAsEnabled ?? federation?.description.requireRunAsTag ?? true,
      ...(primaryPreferences?.runAsDefaultUser ? { defaultUser: primaryPreferences.runAsDefaultUser } : {}),
    },
    access: {
      ownerRule: p.ownerRule,
      ...(p.attributeRule ? { attributeRule: p.attributeRule } : {}),
      ...(p.principalTagOwnerRule ? { principalTagOwnerRule: p.principalTagOwnerRule } : {}),
      sshEnabled: p.sshEnabled,
      portForwardingEnabled: p.portForwardingEnabled,
      ...(p.accessMode ? { mode: p.accessMode } : {}),
    },
    launchTagger: {
      enabled: taggers.length > 0,
      launcherRoleNames: taggers[0]?.launcherRoleNames ?? [],
      ...(taggers[0]?.name ? { name: taggers[0].name } : {}),
    },
    ...(ci
      ? {
          ci: {
            githubRepository: ci.githubRepository,
            planRoleName: ci.planRoleName,
            deployRoleName: ci.deployRoleName,
            createOidcProvider: ci.createOidcProvider,
            ...(ci.state ? { state: ci.state } : {}),
          },
        }
      : {}),
  };

  const attribute = POLICY_ARGUMENT[policy.type];
  if (!attribute) throw new NoAccessModelError(stack.name, `the session policy is on a ${policy.type}, not a policy`);
  const access: SynthesizedAccess = {
    sessionPolicy: readResolvedPolicy(stack, String(policy.resource[attribute])),
    scp: readResolvedPolicy(stack, p.ownershipTagScp),
    ...(instanceRole
      ? {
          instanceRoleName: instanceRole.description.roleName,
          instanceTrust: readResolvedPolicy(stack, String(instanceRole.resource.assume_role_policy)),
        }
      : {}),
    ...(instancePolicy ? { instancePolicy: readResolvedPolicy(stack, String(instancePolicy.resource.policy)) } : {}),
    destinations: (instanceRole?.description.logDestinations ?? []).map((d) => resolveDestination(stack, d)),
    launchTaggerRoleNames: taggers.map((t) => t.roleName),
    ...readIdentityAccess(config, stack, ofPart(all, 'launch-tagger-role')),
    ...(config.ci ? { ci: readCiAccess(config, stack) } : {}),
  };
  return {
    config,
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
  return {
    region: d.region,
    s3Bucket: resolveReferences(stack, d.s3BucketName ?? ''),
    s3KeyPrefix: resolveReferences(stack, d.s3KeyPrefix ?? ''),
    logGroup: resolveReferences(stack, d.logGroupName ?? ''),
    kmsKeyArn: resolveReferences(stack, d.kmsKeyArn ?? ''),
    ...(keyResource?.policy ? { keyPolicy: readResolvedPolicy(stack, keyResource.policy) } : {}),
  };
}
