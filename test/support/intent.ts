import type { Simulation } from '@cloud-copilot/iam-simulate';
import { type Decision, evaluate } from '../../cli/access/evaluator';
import { readStackAccess } from '../../cli/access/read-stack';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import type { EnvironmentSource } from '../../modules/environment/load-environment';
import { type SynthesizedStack, readPolicy, resourcesOfType, synthesize } from './synth';

export type { Decision } from '../../cli/access/evaluator';

/**
 * Intent tables: rows of "who does what to which resource, and what must happen", each decided by
 * the IAM evaluator on the policies of a small environment as synthesized. The rows and their
 * expected decisions are written by hand from the promises (DESIGN.md, the guides); this file only
 * turns a row into the evaluator's input.
 */

/** Who makes a request: the ARN that signs it and the request context that comes with it. */
export interface Caller {
  readonly label: string;
  readonly arn: string;
  readonly context: Readonly<Record<string, string | string[]>>;
}

/**
 * Which policies decide a row, by name in an environment's {@link PolicySet}: the caller's identity
 * policies, the resource's policy (a trust policy, a key policy), a permissions boundary, an SCP.
 */
export interface PolicyRefs {
  readonly identity?: readonly string[];
  readonly resource?: string;
  readonly boundary?: string;
  readonly scp?: string;
}

/** One row of an intent table. */
export interface IntentRow {
  /** The environment whose policies decide the row. */
  readonly env: IntentEnvironment;
  /** The promise the row holds the stack to, in words. */
  readonly promise: string;
  readonly who: Caller;
  readonly action: string;
  readonly resource: string;
  /** Tags of the resource the request is on (an instance's, a session's, a key's aliases go in `context`). */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** More request context (request tags, the requested region, a boundary being set). */
  readonly context?: Readonly<Record<string, string | string[]>>;
  readonly policies: PolicyRefs;
  readonly expected: Decision;
  /** AWS-owned document ARNs have no account, which the evaluator's validation refuses. */
  readonly unsafe?: boolean;
}

/** An environment's policies by name, as the rows refer to them. */
export type PolicySet = Readonly<Record<string, PolicyDocument>>;

const document = (...statements: PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** Policies that stand for what else a principal may hold, beside the environment's. */
export const STAND_INS = {
  /** Any managed policy attached later (ReadOnlyAccess, AdministratorAccess): everything. */
  attachedLater: document({ Sid: 'AttachedLaterAllowsAll', Effect: 'Allow', Action: '*', Resource: '*' }),
  /** Another policy of the people's role that lets them manage EC2 (tags included). */
  otherPolicyAllowsEc2: document({ Sid: 'OtherPolicyAllowsEc2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
  /** The organization's default SCP. */
  fullAwsAccess: document({ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }),
} as const;

/** One synthesized intent environment: what the rows need to name its resources and policies. */
export interface IntentEnvironment {
  readonly name: string;
  readonly input: EnvironmentInput;
  readonly account: string;
  /** The environment's regions, the primary first (from the input written in the test). */
  readonly regions: readonly string[];
  readonly stack: SynthesizedStack;
  readonly access: ReturnType<typeof readStackAccess>['access'];
  readonly policies: PolicySet;
}

/** Synthesizes intent environments and reads each one's policies into a {@link PolicySet}. */
export function synthesizeIntent(sources: readonly EnvironmentSource[]): Map<string, IntentEnvironment> {
  const { stacks } = synthesize(sources);
  const environments = new Map<string, IntentEnvironment>();
  for (const { input } of sources) {
    const stack = stacks.get(input.name)!;
    const { access } = readStackAccess(stack);
    environments.set(input.name, {
      name: input.name,
      input,
      account: input.accountId,
      regions: [input.primaryRegion, ...(input.additionalRegions ?? [])],
      stack,
      access,
      policies: policySetOf(input, stack, access),
    });
  }
  return environments;
}

function policySetOf(input: EnvironmentInput, stack: SynthesizedStack, access: IntentEnvironment['access']): PolicySet {
  const set: Record<string, PolicyDocument> = {
    ...STAND_INS,
    // A key of another account whose policy lets this account's IAM policies use it.
    otherAccountKeyPolicy: document({
      Sid: 'TrustTheEnvironmentAccount',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${input.accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    }),
    session: access.sessionPolicy,
    scp: access.scp,
  };
  if (access.federatedTrust) set.federatedTrust = access.federatedTrust;
  if (access.instancePolicy) set.instance = access.instancePolicy;
  if (access.instanceTrust) set.instanceTrust = access.instanceTrust;
  if (access.breakGlassPolicy) {
    set.breakGlass = access.breakGlassPolicy;
    set.breakGlassTrust = trustOfRole(stack, breakGlassRoleName(input));
  }
  for (const tagger of access.launchTaggerPolicies ?? []) set[`tagger:${tagger.region}`] = tagger.policy;
  for (const destination of access.destinations) {
    if (destination.keyPolicy) set[`keyPolicy:${destination.region}`] = destination.keyPolicy;
  }
  if (access.ci) {
    access.ci.planPolicies.forEach((p, i) => (set[`plan:${i}`] = p));
    access.ci.deployPolicies.forEach((p, i) => (set[`deploy:${i}`] = p));
    set.boundary = access.ci.boundary;
  }
  return set;
}

/** The break-glass role's name: `justInTime.breakGlass.roleName`, else `<environment>-break-glass` (the guide's default). */
export function breakGlassRoleName(input: EnvironmentInput): string {
  return input.justInTime?.breakGlass?.roleName ?? `${input.name}-break-glass`;
}

/** A role's trust policy, found by the role's name. */
export function trustOfRole(stack: SynthesizedStack, roleName: string): PolicyDocument {
  const role = Object.values(resourcesOfType(stack, 'aws_iam_role')).find((r) => r.name === roleName);
  if (!role) throw new Error(`${stack.name}: no aws_iam_role named ${roleName}`);
  return readPolicy(String(role.assume_role_policy));
}

/** The names of the plan role's (or the deploy role's) identity policies in a {@link PolicySet}. */
export function ciPolicyNames(env: IntentEnvironment, role: 'plan' | 'deploy'): string[] {
  return Object.keys(env.policies).filter((name) => name.startsWith(`${role}:`));
}

// Callers.

const IC_ROLE_SUFFIX = '0123456789abcdef';
/** The unique id of roles whose id the stack does not know (Identity Center's, the CI roles', the break-glass role's). */
export const ROLE_ID = 'AROAEXAMPLEROLE00001';

const tagContext = (tags: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]));

/** A session of a role of the environment's account, with its principal tags. */
export function roleSession(
  env: IntentEnvironment,
  roleName: string,
  sessionName: string,
  tags: Readonly<Record<string, string>> = {},
  options: { path?: string; roleId?: string; label?: string } = {},
): Caller {
  const roleId = options.roleId ?? ROLE_ID;
  const tagWords = Object.entries(tags).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return {
    label:
      options.label ??
      `${sessionName} as ${roleName}${tagWords.length > 0 ? ` (${tagWords.join(', ')})` : ' (no principal tags)'}`,
    arn: `arn:aws:sts::${env.account}:assumed-role/${roleName}/${sessionName}`,
    context: {
      'aws:userid': `${roleId}:${sessionName}`,
      'aws:PrincipalArn': `arn:aws:iam::${env.account}:role/${options.path ?? ''}${roleName}`,
      'aws:PrincipalAccount': env.account,
      'aws:SecureTransport': 'true',
      ...tagContext(tags),
    },
  };
}

/** A person signed in through the environment's identity source: the SAML role, or the Identity Center permission set's role. */
export function person(env: IntentEnvironment, name: string, tags: Readonly<Record<string, string>> = {}): Caller {
  const identity = env.input.identity;
  const tagWords = Object.entries(tags).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const label = `${name} (${identity.type === 'saml' ? 'SAML' : 'Identity Center'}${tagWords.length > 0 ? `, ${tagWords.join(', ')}` : ', no principal tags'})`;
  if (identity.type === 'saml') {
    return roleSession(env, identity.roleName, name, tags, { roleId: federatedRoleId(env), label });
  }
  return roleSession(env, `AWSReservedSSO_${identity.permissionSetName}_${IC_ROLE_SUFFIX}`, name, tags, {
    path: `aws-reserved/sso.amazonaws.com/${identity.region}/`,
    label,
  });
}

/** A person's `aws:userid`, which the launch tagger writes as `AwsUserId` and Session Manager tags their sessions with. */
export function userIdOf(env: IntentEnvironment, name: string): string {
  return String(person(env, name).context['aws:userid']);
}

/**
 * The SAML role's unique id as the review resolves it (the real one exists only after apply). The
 * launch tagger's policy names it through a reference to the federated role; the same stand-in
 * makes the people's `aws:userid`, so the tagger's rows and the owner rule's rows agree.
 */
export function federatedRoleId(env: IntentEnvironment): string {
  const identity = env.input.identity;
  if (identity.type !== 'saml') return ROLE_ID;
  const roles = Object.entries(resourcesOfType(env.stack, 'aws_iam_role'));
  const logicalId = roles.find(([, r]) => r.name === identity.roleName)?.[0];
  if (!logicalId) throw new Error(`${env.name}: no federated role named ${identity.roleName}`);
  const reference = `\${aws_iam_role.${logicalId}.unique_id}:?*`;
  const raw = Object.values(resourcesOfType(env.stack, 'aws_iam_role_policy')).find((p) =>
    String(p.policy).includes(reference),
  );
  const resolved = (env.access.launchTaggerPolicies ?? [])
    .flatMap((t) => t.policy.Statement)
    .map((s) => (s.Condition?.StringLike as Record<string, string> | undefined)?.['aws:RequestTag/AwsUserId'])
    .find((value) => value !== undefined && value.endsWith(':?*'));
  if (!raw || !resolved) {
    throw new Error(`${env.name}: the launch tagger's policy does not bind AwsUserId to the federated role's id`);
  }
  return resolved.slice(0, -':?*'.length);
}

/** A SAML sign-in from a provider of the environment's account. */
export function samlProvider(env: IntentEnvironment, providerName: string): Caller {
  return {
    label: `a SAML sign-in from the provider ${providerName}`,
    arn: `arn:aws:iam::${env.account}:saml-provider/${providerName}`,
    context: {},
  };
}

/** An AWS service principal (a trust policy's caller). */
export function servicePrincipal(service: string): Caller {
  return { label: `the service ${service}`, arn: service, context: {} };
}

// Resources.

export const INSTANCE_ID = 'i-0123456789abcdef0';
export const instanceArn = (env: IntentEnvironment, region = env.regions[0]!, account = env.account) =>
  `arn:aws:ec2:${region}:${account}:instance/${INSTANCE_ID}`;
export const managedInstanceArn = (env: IntentEnvironment, region = env.regions[0]!) =>
  `arn:aws:ssm:${region}:${env.account}:managed-instance/mi-0123456789abcdef0`;
/** A document of the account (the preferences document `SSM-SessionManagerRunShell`). */
export const accountDocumentArn = (
  env: IntentEnvironment,
  name: string,
  region = env.regions[0]!,
  account = env.account,
) => `arn:aws:ssm:${region}:${account}:document/${name}`;
/** An AWS-owned document (no account in its ARN: rows on it run unsafe). */
export const awsDocumentArn = (name: string, region: string) => `arn:aws:ssm:${region}::document/${name}`;
export const sessionArn = (env: IntentEnvironment, owner: string, region = env.regions[0]!) =>
  `arn:aws:ssm:${region}:${env.account}:session/${owner}-0123456789abcdef0`;
/** The transcript bucket of a region, as the guides name it: `<environment>-ssm-sessions-<account>-<region>`. */
export const transcriptBucket = (env: IntentEnvironment, region = env.regions[0]!) =>
  `${env.name}-ssm-sessions-${env.account}-${region}`;
/** The session log group, as the guides name it: `/aws/ssm/<environment>/sessions`. */
export const sessionLogGroupArn = (env: IntentEnvironment, region = env.regions[0]!) =>
  `arn:aws:logs:${region}:${env.account}:log-group:/aws/ssm/${env.name}/sessions`;
/** The session key alias, as the guides name it. */
export const sessionKeyAlias = (env: IntentEnvironment) => `alias/${env.name}-ssm-sessions`;

/**
 * The session key of a region: its ARN is known only after apply, so it is the one the stack
 * aliases `alias/<environment>-ssm-sessions` in that region (the review's stand-in).
 */
export function sessionKeyArn(env: IntentEnvironment, region = env.regions[0]!): string {
  const destination = env.access.destinations.find((d) => d.region === region);
  if (!destination?.kmsKeyAliases?.includes(sessionKeyAlias(env))) {
    throw new Error(`${env.name}: no key aliased ${sessionKeyAlias(env)} in ${region}`);
  }
  return destination.kmsKeyArn;
}

/** A key of the account that is not a session key. */
export const otherKeyArn = (env: IntentEnvironment, region = env.regions[0]!, account = env.account) =>
  `arn:aws:kms:${region}:${account}:key/00000000-1111-2222-3333-444444444444`;

// Evaluation.

const REGION_OF_ARN = /^arn:aws:[\w-]+:([a-z]{2}(-[a-z]+)+-\d):/;
const ACCOUNT_OF_ARN = /^arn:aws:[^:]+:[^:]*:(\d{12}):/;

/** Request-context keys of the resource's tags, as the action's service names them. */
function resourceTagContext(action: string, tags: Readonly<Record<string, string>>) {
  const service = action.split(':')[0];
  const serviceKey = service === 'ssm' ? 'ssm:resourceTag' : service === 'ec2' ? 'ec2:ResourceTag' : undefined;
  return Object.fromEntries(
    Object.entries(tags).flatMap(([k, v]) => [
      [`aws:ResourceTag/${k}`, v],
      ...(serviceKey ? [[`${serviceKey}/${k}`, v]] : []),
    ]),
  );
}

/** The evaluator's input for a row, with the policies of `policies` (the environment's, or a widened copy). */
export function simulationOf(row: IntentRow, policies: PolicySet = row.env.policies): Simulation {
  const env = row.env;
  const policy = (name: string) => {
    const found = policies[name];
    if (!found) throw new Error(`${env.name} has no policy named ${name} (row: ${titleOf(row)})`);
    return found;
  };
  const region = REGION_OF_ARN.exec(row.resource)?.[1] ?? env.regions[0]!;
  const refs = row.policies;
  const context = {
    // Every request carries the region of the endpoint it is sent to.
    'aws:RequestedRegion': region,
    ...row.who.context,
    ...resourceTagContext(row.action, row.resourceTags ?? {}),
    ...row.context,
  };
  return {
    request: {
      principal: row.who.arn,
      action: row.action,
      resource: { resource: row.resource, accountId: ACCOUNT_OF_ARN.exec(row.resource)?.[1] ?? env.account },
      contextVariables: context,
    },
    identityPolicies: (refs.identity ?? []).map((name) => ({ name, policy: policy(name) })),
    ...(refs.boundary ? { permissionBoundaryPolicies: [{ name: refs.boundary, policy: policy(refs.boundary) }] } : {}),
    serviceControlPolicies: refs.scp
      ? [
          { orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: STAND_INS.fullAwsAccess }] },
          {
            orgIdentifier: env.account,
            policies: [
              { name: 'FullAWSAccess', policy: STAND_INS.fullAwsAccess },
              { name: refs.scp, policy: policy(refs.scp) },
            ],
          },
        ]
      : [],
    resourceControlPolicies: [],
    ...(refs.resource ? { resourcePolicy: policy(refs.resource) } : {}),
  } as Simulation;
}

/** The evaluator's decision on a row. */
export async function decisionOf(row: IntentRow, policies: PolicySet = row.env.policies): Promise<Decision> {
  const evaluation = await evaluate(simulationOf(row, policies), row.unsafe ? { unsafe: true } : {});
  return evaluation.decision;
}

/** A row in one line: who, what, on which resource, what must happen and why. */
export function titleOf(row: IntentRow): string {
  const tags = Object.entries(row.resourceTags ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${row.env.name}: ${row.who.label}: ${row.action} on ${row.resource}${tags.length > 0 ? ` [${tags.join(', ')}]` : ''} -> ${row.expected} (${row.promise})`;
}

/** What a row may add to who, what, where and the expected decision. */
export type RowDetails = Pick<IntentRow, 'resourceTags' | 'context' | 'unsafe'>;

/**
 * A row maker for one environment and one set of policies: `rows(promise, who, action, resource,
 * expected, details)`.
 */
export function rowsOf(env: IntentEnvironment, policies: PolicyRefs) {
  return (
    promise: string,
    who: Caller,
    action: string,
    resource: string,
    expected: Decision,
    details: RowDetails = {},
  ): IntentRow => ({ env, promise, who, action, resource, expected, policies, ...details });
}

/** Table rows for `it.each`: the title first, then the row. */
export const cases = (rows: readonly IntentRow[]): [string, IntentRow][] => rows.map((row) => [titleOf(row), row]);
