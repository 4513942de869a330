import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { RUN_AS_GUARD_SIDS } from '../../modules/core/run-as-guard';
import { MANAGED_INSTANCE_SIDS } from '../../modules/managed-instance-role/managed-instance-role';
import {
  CONSOLE_READ_ACTIONS,
  OWNERSHIP_TAG,
  SESSION_ACCESS_SIDS as SIDS,
  SESSION_DOCUMENTS,
  groupTagName,
} from '../../modules/session-access-policy/session-access-policy';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import { launchTaggerOwnerCases, managedInstanceCases, signInCases } from './access-matrix-identity';
import type { StackAccess, SynthesizedAccess } from './access-model';
import { centralBucketKeyCases } from './access-matrix-central-key';
import { breakGlassCases } from './access-matrix-break-glass';
import { ciRoleCases } from './ci-access';
import { type Decision, type Evaluation, evaluate } from './evaluator';
import type { AccessCase, AccessResult, Caller } from './matrix-case';
import { readStackAccess } from './read-stack';

export type { AccessModel, ResolvedDestination, StackAccess, SynthesizedAccess } from './access-model';
export type { AccessArea, AccessCase, AccessResult, Caller } from './matrix-case';

/**
 * The access matrix: who may do what to which resource, for one environment, as data. The jest
 * suite (test/stacks/access-matrix.test.ts) and the review command (`ssm-federated-access
 * access-report`, and the access part of `plan-report`) both run exactly these cases through the
 * IAM evaluator, on the policies and settings read from the synthesized `cdk.tf.json`
 * (read-stack.ts), so they cannot drift.
 */

const OTHER_ACCOUNT = '999999999999';
const INSTANCE_ID = 'i-0123456789abcdef0';
const ROLE_ID = 'AROAEXAMPLEFEDERATED';
const INSTANCE_ROLE_ID = 'AROAEXAMPLEINSTANCE1';
const IC_ROLE_SUFFIX = '0123456789abcdef';

const allowEc2: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'OtherPolicyAllowsEc2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
};
const fullAwsAccess: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** The stack's policies and settings (`_environment` is not needed: both come from the stack). */
export function readAccess(_environment: unknown, stack: SynthesizedStack): SynthesizedAccess {
  return readStackAccess(stack).access;
}

/** The matrix of one synthesized stack: its settings and policies, read from the stack itself. */
export function stackMatrix(stack: SynthesizedStack): StackAccess & { cases: AccessCase[] } {
  const read = readStackAccess(stack);
  return { ...read, cases: accessMatrix(read.access) };
}

/**
 * Every case of the matrix for one stack, from its settings and policies (`access.model`, the
 * descriptions its constructs wrote, and the policies as synthesized).
 */
export function accessMatrix(access: SynthesizedAccess): AccessCase[];
/** The same, for callers that hold an environment too: the settings still come from `access`. */
export function accessMatrix(environment: unknown, access: SynthesizedAccess): AccessCase[];
export function accessMatrix(...args: [SynthesizedAccess] | [unknown, SynthesizedAccess]): AccessCase[] {
  const access = args.length === 1 ? args[0] : args[1];
  const model = access.model;
  const rules = model.sessionPolicy;
  const { accountId: account, regions, environment } = rules;
  const [primary] = regions;
  const otherRegion = ['ap-southeast-2', 'sa-east-1', 'ca-central-1'].find((r) => !regions.includes(r))!;
  const instance = (region: string, acct = account) => `arn:aws:ec2:${region}:${acct}:instance/${INSTANCE_ID}`;
  const cases: AccessCase[] = [];

  // The person, as the federated role's or the permission set's session.
  const identity = model.identity;
  const ic = identity.part === 'permission-set' ? identity : undefined;
  const roleName =
    identity.part === 'permission-set'
      ? `AWSReservedSSO_${identity.permissionSetName}_${IC_ROLE_SUFFIX}`
      : identity.roleName;
  const rolePath = ic ? `aws-reserved/sso.amazonaws.com/${ic.region}/` : '';
  const person = (name: string, tags: Record<string, string> = {}): Caller => ({
    label: `${name} (${ic ? 'Identity Center' : 'federated'})`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${name}`,
    context: {
      'aws:userid': `${ROLE_ID}:${name}`,
      'aws:PrincipalArn': `arn:aws:iam::${account}:role/${rolePath}${roleName}`,
      'aws:PrincipalAccount': account,
      'aws:SecureTransport': 'true',
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
    },
  });
  const runAs = { SSMSessionRunAs: 'alice' };
  const alice = person('alice', runAs);
  const aliceId = `${ROLE_ID}:alice`;
  const bobId = `${ROLE_ID}:bob`;

  const simulation = (
    caller: Caller,
    action: string,
    resource: string,
    context: Record<string, string | string[]>,
    policies: { identity: PolicyDocument[]; resource?: PolicyDocument; scp?: PolicyDocument },
  ): Simulation => ({
    request: {
      principal: caller.arn,
      action,
      resource: { resource, accountId: /^arn:aws:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? account },
      contextVariables: { ...caller.context, ...context },
    },
    identityPolicies: policies.identity.map((policy, i) => ({ name: `policy-${i}`, policy })),
    serviceControlPolicies: policies.scp
      ? [
          { orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: fullAwsAccess }] },
          {
            orgIdentifier: account,
            policies: [
              { name: 'FullAWSAccess', policy: fullAwsAccess },
              { name: 'OwnershipTag', policy: policies.scp },
            ],
          },
        ]
      : [],
    resourceControlPolicies: [],
    ...(policies.resource ? { resourcePolicy: policies.resource } : {}),
  });
  const session = { identity: [access.sessionPolicy] };
  const justInTime = rules.accessMode === 'just-in-time';
  const add = (
    c: Omit<AccessCase, 'simulation' | 'principal'> & {
      caller: Caller;
      context?: Record<string, string | string[]>;
      policies: { identity: PolicyDocument[]; resource?: PolicyDocument; scp?: PolicyDocument };
    },
  ) => {
    const { caller, context, policies, ...given } = c;
    // Just-in-time mode: the people's policy allows no session at all; the token of an approved
    // request does (the approval policies decide, outside IAM).
    // A case that an explicit Deny decides (another region, a refused run-as user) stays so.
    const requestsOnly =
      justInTime && policies === session && c.action === 'ssm:StartSession' && given.expected !== 'ExplicitlyDenied';
    const { expectedSid: _sid, ...withoutSid } = given;
    const rest = requestsOnly
      ? {
          ...withoutSid,
          expected: 'ImplicitlyDenied' as const,
          description: `${given.description} (just-in-time: requests only)`,
        }
      : given;
    cases.push({
      ...rest,
      principal: caller.label,
      simulation: simulation(caller, c.action, c.resource, context ?? {}, policies),
    });
  };
  const startOn = (
    description: string,
    caller: Caller,
    resource: string,
    instanceTags: Record<string, string>,
    expected: Decision,
    expectedSid?: string,
    // The people's policy, unless another role's (the break-glass role's) is meant.
    as: { area: AccessCase['area']; policies: typeof session } = { area: 'start session', policies: session },
  ) =>
    add({
      area: as.area,
      description,
      caller,
      action: 'ssm:StartSession',
      resource,
      context: {
        'ssm:SessionDocumentAccessCheck': 'true',
        ...Object.fromEntries(Object.entries(instanceTags).map(([k, v]) => [`ssm:resourceTag/${k}`, v])),
      },
      expected,
      ...(expectedSid ? { expectedSid } : {}),
      policies: as.policies,
    });

  // Console read.
  for (const action of CONSOLE_READ_ACTIONS) {
    const onInstance = action === 'ssm:GetConnectionStatus';
    add({
      area: 'console',
      description: 'list and read in the console',
      caller: alice,
      action,
      resource: onInstance ? instance(primary) : '*',
      expected: 'Allowed',
      expectedSid: SIDS.consoleRead,
      policies: session,
    });
  }

  // Just-in-time: requests and tokens in the environment's account, not in another.
  if (justInTime) {
    const request = (description: string, resource: string, expected: Decision, sid?: string) =>
      add({
        area: 'request access',
        description,
        caller: alice,
        action: resource.includes(':opsitem/') ? 'ssm:GetAccessToken' : 'ssm:StartAccessRequest',
        resource,
        expected,
        ...(sid ? { expectedSid: sid } : {}),
        policies: session,
      });
    request('request access to an instance of the environment', instance(primary), 'Allowed', SIDS.requestAccess);
    request('request access to an instance of another account', instance(primary, OTHER_ACCOUNT), 'ImplicitlyDenied');
    request(
      'the token of a request in the account',
      `arn:aws:ssm:${primary}:${account}:opsitem/oi-0123456789ab`,
      'Allowed',
      SIDS.accessToken,
    );
    request(
      'the token of a request in another account',
      `arn:aws:ssm:${primary}:${OTHER_ACCOUNT}:opsitem/oi-0123456789ab`,
      'ImplicitlyDenied',
    );
  }

  // Owner rule.
  for (const region of regions) {
    startOn(
      `own instance in ${region} (${OWNERSHIP_TAG} = her aws:userid)`,
      alice,
      instance(region),
      { [OWNERSHIP_TAG]: aliceId },
      rules.ownerRule ? 'Allowed' : 'ImplicitlyDenied',
      rules.ownerRule ? SIDS.owner : undefined,
    );
  }
  startOn("someone else's instance", alice, instance(primary), { [OWNERSHIP_TAG]: bobId }, 'ImplicitlyDenied');
  startOn('untagged instance', alice, instance(primary), {}, 'ImplicitlyDenied');
  // The run-as guard: whatever the IdP or Identity Center sends, no session runs as root.
  if (rules.ownerRule && !justInTime) {
    startOn(
      'own instance with SSMSessionRunAs = Root (the run-as guard)',
      person('alice', { SSMSessionRunAs: 'Root' }),
      instance(primary),
      { [OWNERSHIP_TAG]: aliceId },
      'ExplicitlyDenied',
      RUN_AS_GUARD_SIDS.refusedUsers,
    );
  }
  startOn(
    'own tag on an instance of another account',
    alice,
    instance(primary, OTHER_ACCOUNT),
    { [OWNERSHIP_TAG]: aliceId },
    'ImplicitlyDenied',
  );
  startOn(
    `own tag on an instance in ${otherRegion} (not the environment's)`,
    alice,
    instance(otherRegion),
    { [OWNERSHIP_TAG]: aliceId },
    'ExplicitlyDenied',
    SIDS.denyOtherRegions,
  );

  // Attribute (ABAC) rule, one statement per group.
  const attributes = rules.attributeRule;
  if (attributes) {
    for (let group = 1; group <= attributes.groups; group++) {
      const value = (instanceTag: string) => `${instanceTag.toLowerCase()}-value-${group}`;
      const principalTags = Object.fromEntries(
        attributes.tags.map((p) => [groupTagName(p.principalTag, group), value(p.instanceTag)]),
      );
      const instanceTags = Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, value(p.instanceTag)]));
      const names = attributes.tags.map((p) => groupTagName(p.principalTag, group)).join(', ');
      startOn(
        `attribute group ${group}: ${names} match the instance`,
        person('alice', { ...runAs, ...principalTags }),
        instance(primary),
        instanceTags,
        'Allowed',
        SIDS.attributes(group),
      );
      const last = attributes.tags[attributes.tags.length - 1];
      startOn(
        `attribute group ${group}: ${last.instanceTag} differs`,
        person('alice', { ...runAs, ...principalTags }),
        instance(primary),
        { ...instanceTags, [last.instanceTag]: 'another-value' },
        'ImplicitlyDenied',
      );
      startOn(
        `attribute group ${group}: principal tags missing`,
        alice,
        instance(primary),
        instanceTags,
        'ImplicitlyDenied',
      );
    }
    const first = attributes.tags[0];
    startOn(
      `attribute group 1: ${first.principalTag} and ${first.instanceTag} both empty`,
      person('alice', { ...runAs, ...Object.fromEntries(attributes.tags.map((p) => [p.principalTag, ''])) }),
      instance(primary),
      Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, ''])),
      'ImplicitlyDenied',
    );
  } else {
    startOn(
      'attribute rule off: AppId equals APP_ID',
      person('alice', { ...runAs, AppId: 'app-1' }),
      instance(primary),
      { APP_ID: 'app-1' },
      'ImplicitlyDenied',
    );
  }

  // Break-glass: a separate role with standing sessions on every instance, every use alarmed.
  breakGlassCases(
    {
      access,
      add,
      startOn,
      person,
      userId: (name: string) => `${ROLE_ID}:${name}`,
      instance,
      otherAccount: OTHER_ACCOUNT,
    },
    otherRegion,
  );

  // Principal-tag owner rule.
  const creator = rules.principalTagOwnerRule;
  if (creator) {
    const tagged = (name: string) => ({ [creator.instanceTag]: name });
    const withTag = person('alice', { ...runAs, [creator.principalTag]: 'alice' });
    startOn(
      `${creator.instanceTag} = her ${creator.principalTag}`,
      withTag,
      instance(primary),
      tagged('alice'),
      'Allowed',
      SIDS.principalTagOwner,
    );
    startOn(`${creator.instanceTag} = someone else`, withTag, instance(primary), tagged('bob'), 'ImplicitlyDenied');
    startOn(
      `${creator.instanceTag} set, ${creator.principalTag} missing`,
      person('alice'),
      instance(primary),
      tagged('alice'),
      'ImplicitlyDenied',
    );
  } else {
    startOn(
      'principal-tag owner rule off: CreatedBy = her SSMSessionRunAs',
      alice,
      instance(primary),
      { CreatedBy: 'alice' },
      'ImplicitlyDenied',
    );
  }

  // Source identity, managed instances and the launch tagger's owner values (access-matrix-identity.ts).
  const helpers = { access, add, startOn, person, userId: (name: string) => `${ROLE_ID}:${name}`, instance };
  signInCases({ ...helpers, otherAccount: OTHER_ACCOUNT });
  managedInstanceCases({ ...helpers, otherAccount: OTHER_ACCOUNT });
  launchTaggerOwnerCases({ ...helpers, otherAccount: OTHER_ACCOUNT });

  // Session documents.
  const document = (region: string, name: string, acct = account) => `arn:aws:ssm:${region}:${acct}:document/${name}`;
  const documentCase = (description: string, resource: string, expected: Decision, unsafe = false) =>
    add({
      area: 'documents',
      description,
      caller: alice,
      action: 'ssm:StartSession',
      resource,
      context: unsafe ? { 'ssm:SessionDocumentAccessCheck': 'true' } : {},
      expected,
      ...(expected === 'Allowed' ? { expectedSid: SIDS.documents } : {}),
      ...(unsafe ? { unsafe } : {}),
      policies: session,
    });
  for (const region of regions) {
    documentCase(`shell document in ${region}`, document(region, SESSION_DOCUMENTS.shell), 'Allowed');
    const ssh = rules.sshEnabled;
    documentCase(
      `SSH ${ssh ? 'on' : 'off'} in this environment`,
      document(region, SESSION_DOCUMENTS.ssh, ''),
      ssh ? 'Allowed' : 'ImplicitlyDenied',
      true,
    );
    for (const name of SESSION_DOCUMENTS.portForwarding) {
      const pf = rules.portForwardingEnabled;
      documentCase(
        `port forwarding ${pf ? 'on' : 'off'} in this environment`,
        document(region, name, ''),
        pf ? 'Allowed' : 'ImplicitlyDenied',
        true,
      );
    }
  }
  documentCase(
    'a document never granted',
    document(primary, 'AWS-StartInteractiveCommand', ''),
    'ImplicitlyDenied',
    true,
  );
  documentCase(
    'shell document of another account',
    document(primary, SESSION_DOCUMENTS.shell, OTHER_ACCOUNT),
    'ImplicitlyDenied',
  );
  documentCase(`shell document in ${otherRegion}`, document(otherRegion, SESSION_DOCUMENTS.shell), 'ExplicitlyDenied');

  // Own sessions only.
  const sessionArn = (region: string, acct = account) =>
    `arn:aws:ssm:${region}:${acct}:session/alice-0123456789abcdef0`;
  for (const action of ['ssm:TerminateSession', 'ssm:ResumeSession']) {
    const sessionCase = (description: string, resource: string, startedBy: string, expected: Decision) =>
      add({
        area: 'own sessions',
        description,
        caller: alice,
        action,
        resource,
        context: { 'ssm:resourceTag/aws:ssmmessages:session-id': startedBy },
        expected,
        ...(expected === 'Allowed' ? { expectedSid: SIDS.ownSessions } : {}),
        policies: session,
      });
    for (const region of regions) sessionCase(`her own session in ${region}`, sessionArn(region), aliceId, 'Allowed');
    sessionCase("someone else's session", sessionArn(primary), bobId, 'ImplicitlyDenied');
    sessionCase('her session id in another account', sessionArn(primary, OTHER_ACCOUNT), aliceId, 'ImplicitlyDenied');
  }

  // Session encryption key: the user side needs GenerateDataKey, with the key policy deciding too.
  const foreignKey = `arn:aws:kms:${primary}:${account}:key/00000000-1111-2222-3333-444444444444`;
  for (const d of access.destinations.filter((x) => x.kmsKeyArn)) {
    const keyPolicies = { ...session, ...(d.keyPolicy ? { resource: d.keyPolicy } : {}) };
    add({
      area: 'kms',
      description: `session key in ${d.region}`,
      caller: alice,
      action: 'kms:GenerateDataKey',
      resource: d.kmsKeyArn,
      expected: 'Allowed',
      expectedSid: SIDS.kms,
      policies: keyPolicies,
    });
    add({
      area: 'kms',
      description: `decrypt with the session key in ${d.region} (not needed by users)`,
      caller: alice,
      action: 'kms:Decrypt',
      resource: d.kmsKeyArn,
      expected: 'ImplicitlyDenied',
      policies: keyPolicies,
    });
  }
  add({
    area: 'kms',
    description: 'a key that is not a session key',
    caller: alice,
    action: 'kms:GenerateDataKey',
    resource: foreignKey,
    expected: 'ImplicitlyDenied',
    policies: session,
  });

  // The ownership tag (and the other tags that grant sessions), even beside an ec2:* Allow.
  const beside = { identity: [access.sessionPolicy, allowEc2] };
  const tagCase = (
    description: string,
    action: string,
    tags: string[] | undefined,
    expected: Decision,
    expectedSid: string,
    requestTags: Record<string, string> = {},
  ) =>
    add({
      area: 'ownership tag',
      description: `${description} (beside an ec2:* Allow)`,
      caller: alice,
      action,
      resource: instance(primary),
      context: {
        ...(tags ? { 'aws:TagKeys': tags } : {}),
        ...Object.fromEntries(Object.entries(requestTags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
      },
      expected,
      expectedSid,
      policies: beside,
    });
  tagCase(`create ${OWNERSHIP_TAG}`, 'ec2:CreateTags', [OWNERSHIP_TAG], 'ExplicitlyDenied', SIDS.denyTagKeys, {
    [OWNERSHIP_TAG]: aliceId,
  });
  tagCase(
    `create ${OWNERSHIP_TAG.toLowerCase()} (other case)`,
    'ec2:CreateTags',
    [OWNERSHIP_TAG.toLowerCase()],
    'ExplicitlyDenied',
    SIDS.denyTagKeys,
    { [OWNERSHIP_TAG.toLowerCase()]: aliceId },
  );
  tagCase(`delete ${OWNERSHIP_TAG}`, 'ec2:DeleteTags', [OWNERSHIP_TAG], 'ExplicitlyDenied', SIDS.denyTagKeys);
  tagCase('delete all tags (no tag list)', 'ec2:DeleteTags', undefined, 'ExplicitlyDenied', SIDS.denyDeleteAllTags);
  tagCase(
    `launch with ${OWNERSHIP_TAG}`,
    'ec2:RunInstances',
    [OWNERSHIP_TAG],
    'ExplicitlyDenied',
    SIDS.denyRequestTag,
    { [OWNERSHIP_TAG]: aliceId },
  );
  for (const key of [
    ...(attributes?.tags.map((p) => p.instanceTag) ?? []),
    ...(creator ? [creator.instanceTag] : []),
  ]) {
    tagCase(`create ${key}, which grants sessions`, 'ec2:CreateTags', [key], 'ExplicitlyDenied', SIDS.denyTagKeys, {
      [key]: 'x',
    });
  }
  tagCase('create Name', 'ec2:CreateTags', ['Name'], 'Allowed', 'OtherPolicyAllowsEc2', { Name: 'x' });
  tagCase('delete Name', 'ec2:DeleteTags', ['Name'], 'Allowed', 'OtherPolicyAllowsEc2');
  tagCase('launch untagged', 'ec2:RunInstances', undefined, 'Allowed', 'OtherPolicyAllowsEc2');

  // The organization SCP: the same Deny for every principal but the launch tagger.
  const viaScp = { identity: [allowEc2], scp: access.scp };
  const roleCaller = (name: string): Caller => ({
    label: `role ${name}`,
    arn: `arn:aws:sts::${account}:assumed-role/${name}/session`,
    context: {
      'aws:userid': `${INSTANCE_ROLE_ID}:session`,
      'aws:PrincipalArn': `arn:aws:iam::${account}:role/${name}`,
      'aws:PrincipalAccount': account,
      'aws:SecureTransport': 'true',
    },
  });
  const scpCase = (
    caller: Caller,
    description: string,
    action: string,
    tags: string[] | undefined,
    expected: Decision,
    expectedSid: string,
  ) =>
    add({
      area: 'scp',
      description: `${description} (under the SCP)`,
      caller,
      action,
      resource: instance(primary),
      context: {
        ...(tags ? { 'aws:TagKeys': tags } : {}),
        ...(tags?.includes(OWNERSHIP_TAG) ? { [`aws:RequestTag/${OWNERSHIP_TAG}`]: aliceId } : {}),
      },
      expected,
      expectedSid,
      policies: viaScp,
    });
  scpCase(
    alice,
    `create ${OWNERSHIP_TAG}`,
    'ec2:CreateTags',
    [OWNERSHIP_TAG],
    'ExplicitlyDenied',
    `scp:${SIDS.denyTagKeys}`,
  );
  scpCase(
    alice,
    `launch with ${OWNERSHIP_TAG}`,
    'ec2:RunInstances',
    [OWNERSHIP_TAG],
    'ExplicitlyDenied',
    `scp:${SIDS.denyRequestTag}`,
  );
  scpCase(alice, 'delete all tags', 'ec2:DeleteTags', undefined, 'ExplicitlyDenied', `scp:${SIDS.denyDeleteAllTags}`);
  scpCase(alice, 'create Name', 'ec2:CreateTags', ['Name'], 'Allowed', 'OtherPolicyAllowsEc2');
  // The roles the stack creates, or the names it would give them where it has no tagger.
  const taggerRoles =
    access.launchTaggerRoleNames.length > 0
      ? access.launchTaggerRoleNames
      : regions.map((region) => `${environment}-launch-tagger-${region}`);
  for (const role of taggerRoles) {
    const tagger = roleCaller(role);
    scpCase(
      tagger,
      `launch tagger writes ${OWNERSHIP_TAG}`,
      'ec2:CreateTags',
      [OWNERSHIP_TAG],
      'Allowed',
      'OtherPolicyAllowsEc2',
    );
  }
  const launcher = model.launchTaggers[0]?.launcherRoleNames[0] ?? 'SomeLauncherRole';
  scpCase(
    roleCaller(launcher),
    `a launcher role writes ${OWNERSHIP_TAG}`,
    'ec2:CreateTags',
    [OWNERSHIP_TAG],
    'ExplicitlyDenied',
    `scp:${SIDS.denyTagKeys}`,
  );
  scpCase(
    roleCaller(`other-launch-tagger-${primary}`),
    "another environment's tagger name",
    'ec2:CreateTags',
    [OWNERSHIP_TAG],
    'ExplicitlyDenied',
    `scp:${SIDS.denyTagKeys}`,
  );

  // The managed-instance role: channels and exactly the log writes, nothing else.
  const instanceRole = access.instanceRoleName;
  const instancePolicy = access.instancePolicy;
  const instanceTrust = access.instanceTrust;
  if (!instanceRole || !instancePolicy || !instanceTrust) return cases;
  const agent: Caller = {
    label: `instance role ${instanceRole}`,
    arn: `arn:aws:sts::${account}:assumed-role/${instanceRole}/${INSTANCE_ID}`,
    context: {
      'aws:userid': `${INSTANCE_ROLE_ID}:${INSTANCE_ID}`,
      'aws:PrincipalArn': `arn:aws:iam::${account}:role/${instanceRole}`,
      'aws:PrincipalAccount': account,
      'aws:SecureTransport': 'true',
    },
  };
  const agentPolicies = { identity: [instancePolicy] };
  const agentCase = (
    description: string,
    action: string,
    resource: string,
    expected: Decision,
    expectedSid?: string,
    resourcePolicy?: PolicyDocument,
  ) =>
    add({
      area: 'instance role',
      description,
      caller: agent,
      action,
      resource,
      expected,
      ...(expectedSid ? { expectedSid } : {}),
      policies: { ...agentPolicies, ...(resourcePolicy ? { resource: resourcePolicy } : {}) },
    });
  for (const action of [
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
  ]) {
    agentCase('session channel', action, '*', 'Allowed', MANAGED_INSTANCE_SIDS.channels);
  }
  for (const region of regions) {
    agentCase(
      `heartbeat in ${region}`,
      'ssm:UpdateInstanceInformation',
      instance(region),
      'Allowed',
      MANAGED_INSTANCE_SIDS.heartbeat,
    );
  }
  agentCase(
    'heartbeat for an instance of another account',
    'ssm:UpdateInstanceInformation',
    instance(primary, OTHER_ACCOUNT),
    'ImplicitlyDenied',
  );
  for (const d of access.destinations) {
    if (d.s3Bucket) {
      const prefix = d.s3KeyPrefix ? `${d.s3KeyPrefix}/` : '';
      agentCase(
        `write a transcript in ${d.region}`,
        's3:PutObject',
        `arn:aws:s3:::${d.s3Bucket}/${prefix}${INSTANCE_ID}.log`,
        'Allowed',
        MANAGED_INSTANCE_SIDS.s3Put,
      );
      if (prefix)
        agentCase(
          'write outside the transcript prefix',
          's3:PutObject',
          `arn:aws:s3:::${d.s3Bucket}/elsewhere/${INSTANCE_ID}.log`,
          'ImplicitlyDenied',
        );
      agentCase(
        'read a transcript',
        's3:GetObject',
        `arn:aws:s3:::${d.s3Bucket}/${prefix}${INSTANCE_ID}.log`,
        'ImplicitlyDenied',
      );
      agentCase(
        `check the transcript bucket's encryption in ${d.region}`,
        's3:GetEncryptionConfiguration',
        `arn:aws:s3:::${d.s3Bucket}`,
        'Allowed',
        MANAGED_INSTANCE_SIDS.s3Encryption,
      );
    }
    if (d.logGroup) {
      const group = `arn:aws:logs:${d.region}:${account}:log-group:${d.logGroup}`;
      agentCase(
        `create a session log stream in ${d.region}`,
        'logs:CreateLogStream',
        `${group}:log-stream:${INSTANCE_ID}`,
        'Allowed',
        MANAGED_INSTANCE_SIDS.logsWrite,
      );
      agentCase(
        `put session log events in ${d.region}`,
        'logs:PutLogEvents',
        `${group}:log-stream:${INSTANCE_ID}`,
        'Allowed',
        MANAGED_INSTANCE_SIDS.logsWrite,
      );
      agentCase('read session logs', 'logs:GetLogEvents', `${group}:log-stream:${INSTANCE_ID}`, 'ImplicitlyDenied');
      agentCase(
        'write to another log group',
        'logs:PutLogEvents',
        `arn:aws:logs:${d.region}:${account}:log-group:other:log-stream:${INSTANCE_ID}`,
        'ImplicitlyDenied',
      );
    }
    if (d.kmsKeyArn) {
      agentCase(
        `decrypt the session channel in ${d.region}`,
        'kms:Decrypt',
        d.kmsKeyArn,
        'Allowed',
        MANAGED_INSTANCE_SIDS.kms,
        d.keyPolicy,
      );
      agentCase(
        `data key for transcripts in ${d.region}`,
        'kms:GenerateDataKey',
        d.kmsKeyArn,
        'Allowed',
        MANAGED_INSTANCE_SIDS.kms,
        d.keyPolicy,
      );
    }
  }
  if (access.destinations.some((d) => d.logGroup)) {
    agentCase(
      'check that the session log group exists',
      'logs:DescribeLogGroups',
      '*',
      'Allowed',
      MANAGED_INSTANCE_SIDS.logsDescribe,
    );
  }
  agentCase('a key that is not a session key', 'kms:Decrypt', foreignKey, 'ImplicitlyDenied');
  agentCase('start a session', 'ssm:StartSession', instance(primary), 'ImplicitlyDenied');
  agentCase('tag an instance', 'ec2:CreateTags', instance(primary), 'ImplicitlyDenied');
  agentCase('Run Command messages (not granted)', 'ec2messages:GetMessages', '*', 'ImplicitlyDenied');
  add({
    area: 'instance role',
    description: 'EC2 assumes the instance role',
    caller: { label: 'ec2.amazonaws.com', arn: 'ec2.amazonaws.com', context: {} },
    action: 'sts:AssumeRole',
    resource: `arn:aws:iam::${account}:role/${instanceRole}`,
    expected: 'Allowed',
    expectedSid: 'resource:Ec2AssumeRole',
    policies: { identity: [], resource: instanceTrust },
  });
  add({
    area: 'instance role',
    description: 'another service assumes the instance role',
    caller: { label: 'lambda.amazonaws.com', arn: 'lambda.amazonaws.com', context: {} },
    action: 'sts:AssumeRole',
    resource: `arn:aws:iam::${account}:role/${instanceRole}`,
    expected: 'ImplicitlyDenied',
    policies: { identity: [], resource: instanceTrust },
  });

  // A central bucket's own key, and the GitHub Actions roles and the permissions boundary (ci-access.ts).
  centralBucketKeyCases({ ...helpers, otherAccount: OTHER_ACCOUNT, agent, agentPolicy: instancePolicy });
  cases.push(...ciRoleCases(model, access.ci, access.destinations, access.instanceRoleName));
  return cases;
}

/** Runs every case through the evaluator. */
export async function runMatrix(cases: readonly AccessCase[]): Promise<AccessResult[]> {
  const results: AccessResult[] = [];
  for (const c of cases) {
    let evaluation: Evaluation;
    try {
      evaluation = await evaluate(c.simulation, c.unsafe ? { unsafe: true } : {});
    } catch (error) {
      throw new Error(`${c.area} / ${c.description} (${c.action} on ${c.resource}): ${(error as Error).message}`);
    }
    const pass =
      evaluation.decision === c.expected &&
      (c.expectedSid === undefined || evaluation.deciding.includes(c.expectedSid));
    results.push({ case: c, evaluation, pass });
  }
  return results;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The matrix as a Markdown table for a pull request. */
export function markdownTable(results: readonly AccessResult[]): string {
  const lines = [
    '| Area | Principal | Action | Resource | Case | Decision | Deciding statement | As expected |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { case: c, evaluation, pass } of results) {
    lines.push(
      `| ${[
        c.area,
        c.principal,
        `\`${c.action}\``,
        `\`${c.resource}\``,
        c.description,
        evaluation.decision,
        evaluation.deciding.length > 0 ? evaluation.deciding.join(', ') : '(no statement matches)',
        pass ? 'yes' : `**NO** (expected ${c.expected}${c.expectedSid ? ` by ${c.expectedSid}` : ''})`,
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
