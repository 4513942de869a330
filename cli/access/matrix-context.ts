import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../modules/core/policy-document';
import type { SynthesizedAccess } from './access-model';
import type { Decision } from './evaluator';
import type { AccessArea, AccessCase, Caller } from './matrix-case';

/**
 * What every table of the access matrix shares: who asks (the callers), the resources they ask
 * about, the sets of policies that decide, and the row shape each table is written in. Built once
 * per stack by {@link matrixContext}; the tables (cases/*.ts) only read it.
 */

const OTHER_ACCOUNT = '999999999999';
export const INSTANCE_ID = 'i-0123456789abcdef0';
export const MANAGED_INSTANCE_ID = 'mi-0123456789abcdef0';
/** The session of a person's (`alice-...`) session id. */
export const SESSION_ID = 'alice-0123456789abcdef0';
const ROLE_ID = 'AROAEXAMPLEFEDERATED';
/** The instance role's unique id (and the stand-in id of other roles of the account). */
export const INSTANCE_ROLE_ID = 'AROAEXAMPLEINSTANCE1';
const BREAK_GLASS_ROLE_ID = 'AROAEXAMPLEBREAKGLAS';
const IC_ROLE_SUFFIX = '0123456789abcdef';

/** The policies that decide one row: the caller's identity policies, and a resource policy, SCP or boundary beside them. */
export interface Policies {
  readonly identity: readonly PolicyDocument[];
  readonly resource?: PolicyDocument;
  /** An organization SCP under the account's FullAWSAccess. */
  readonly scp?: PolicyDocument;
  readonly boundary?: PolicyDocument;
  /**
   * The people's own session policy: in just-in-time mode it allows no session at all (the token
   * of an approved request does), so its StartSession rows become requests-only rows.
   */
  readonly people?: true;
}

/** One row of a table: who does what to which resource, under which policies, and what must happen. */
export interface CaseRow {
  readonly area: AccessArea;
  readonly description: string;
  readonly who: Caller;
  readonly action: string;
  readonly resource: string;
  /** Request context beside the caller's own (instance tags, request tags, the requested region). */
  readonly context?: Record<string, string | string[]>;
  readonly policies: Policies;
  readonly expected: Decision;
  /** The statement that must decide (prefixed `scp:` or `resource:` outside the identity policy). */
  readonly sid?: string;
  /** AWS-owned document ARNs have no account, which the evaluator's validation rejects. */
  readonly unsafe?: boolean;
}

/** A role's session: the callers of the matrix are all one of these, or a service or SAML provider. */
export function roleSession(s: {
  readonly label: string;
  readonly account: string;
  readonly roleName: string;
  readonly sessionName: string;
  /** The role's unique id, for `aws:userid` (omitted where no policy reads it). */
  readonly roleId?: string;
  readonly path?: string;
  readonly tags?: Record<string, string>;
  readonly context?: Record<string, string>;
}): Caller {
  return {
    label: s.label,
    arn: `arn:aws:sts::${s.account}:assumed-role/${s.roleName}/${s.sessionName}`,
    context: {
      ...(s.roleId ? { 'aws:userid': `${s.roleId}:${s.sessionName}` } : {}),
      'aws:PrincipalArn': `arn:aws:iam::${s.account}:role/${s.path ?? ''}${s.roleName}`,
      'aws:PrincipalAccount': s.account,
      'aws:SecureTransport': 'true',
      ...Object.fromEntries(Object.entries(s.tags ?? {}).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
      ...s.context,
    },
  };
}

/** A service or a SAML provider, which asks with nothing but what the request carries. */
export function principalOf(label: string, arn: string, context: Record<string, string | string[]> = {}): Caller {
  return { label, arn, context };
}

/** The matrix's view of one stack: its settings, its policies, and the callers and resources of its rows. */
export interface MatrixContext {
  readonly access: SynthesizedAccess;
  readonly account: string;
  readonly environment: string;
  readonly regions: readonly string[];
  readonly primary: string;
  /** A region the environment does not use. */
  readonly otherRegion: string;
  readonly otherAccount: string;
  readonly justInTime: boolean;
  /** A person, signed in through the federated role or the permission set, with these principal tags. */
  readonly person: (name: string, tags?: Record<string, string>) => Caller;
  /** alice, with her run-as tag. */
  readonly alice: Caller;
  /** The aws:userid of a person's session. */
  readonly userId: (name: string) => string;
  /** A role of the account that is not a person's: SCP cases. */
  readonly role: (name: string) => Caller;
  readonly breakGlassResponder: (roleName: string, label: string, tags: Record<string, string>) => Caller;
  readonly instance: (region: string, account?: string) => string;
  readonly managedInstance: (region: string, account?: string) => string;
  /** The people's session policy, alone. */
  readonly session: Policies;
}

const allowEc2: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'OtherPolicyAllowsEc2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
};

/** An identity policy that allows every EC2 action, beside which the tag Denies must still hold. */
export const ALLOW_EC2 = allowEc2;

export function matrixContext(access: SynthesizedAccess): MatrixContext {
  const { sessionPolicy: rules, identity } = access.model;
  const { accountId: account, regions, environment } = rules;
  const ic = identity.part === 'permission-set' ? identity : undefined;
  const roleName =
    identity.part === 'permission-set'
      ? `AWSReservedSSO_${identity.permissionSetName}_${IC_ROLE_SUFFIX}`
      : identity.roleName;
  const person = (name: string, tags: Record<string, string> = {}) =>
    roleSession({
      label: `${name} (${ic ? 'Identity Center' : 'federated'})`,
      account,
      roleName,
      sessionName: name,
      roleId: ROLE_ID,
      path: ic ? `aws-reserved/sso.amazonaws.com/${ic.region}/` : '',
      tags,
    });
  return {
    access,
    account,
    environment,
    regions,
    primary: regions[0],
    otherRegion: ['ap-southeast-2', 'sa-east-1', 'ca-central-1'].find((r) => !regions.includes(r))!,
    otherAccount: OTHER_ACCOUNT,
    justInTime: rules.accessMode === 'just-in-time',
    person,
    alice: person('alice', { SSMSessionRunAs: 'alice' }),
    userId: (name) => `${ROLE_ID}:${name}`,
    role: (name) =>
      roleSession({ label: `role ${name}`, account, roleName: name, sessionName: 'session', roleId: INSTANCE_ROLE_ID }),
    breakGlassResponder: (name, label, tags) =>
      roleSession({ label, account, roleName: name, sessionName: 'alice', roleId: BREAK_GLASS_ROLE_ID, tags }),
    instance: (region, acct = account) => `arn:aws:ec2:${region}:${acct}:instance/${INSTANCE_ID}`,
    managedInstance: (region, acct = account) =>
      `arn:aws:ssm:${region}:${acct}:managed-instance/${MANAGED_INSTANCE_ID}`,
    session: { identity: [access.sessionPolicy], people: true },
  };
}

const fullAwsAccess: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** The evaluator's input for one row. */
export function simulationOf(row: CaseRow, account: string): Simulation {
  const { policies } = row;
  return {
    request: {
      principal: row.who.arn,
      action: row.action,
      resource: {
        resource: row.resource,
        accountId: /^arn:aws:[^:]+:[^:]*:(\d{12}):/.exec(row.resource)?.[1] ?? account,
      },
      contextVariables: { ...row.who.context, ...row.context },
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
    ...(policies.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: policies.boundary }] } : {}),
    ...(policies.resource ? { resourcePolicy: policies.resource } : {}),
  };
}

/**
 * A row as a case. Just-in-time mode: the people's policy allows no session, so a StartSession row
 * on it that some rule would allow becomes a requests-only row (an explicit Deny, another region or
 * a refused run-as user, still decides as written).
 */
export function caseOf(row: CaseRow, context: Pick<MatrixContext, 'account' | 'justInTime'>): AccessCase {
  const requestsOnly =
    context.justInTime &&
    row.policies.people === true &&
    row.action === 'ssm:StartSession' &&
    row.expected !== 'ExplicitlyDenied';
  return {
    description: requestsOnly ? `${row.description} (just-in-time: requests only)` : row.description,
    area: row.area,
    principal: row.who.label,
    action: row.action,
    resource: row.resource,
    expected: requestsOnly ? 'ImplicitlyDenied' : row.expected,
    ...(row.sid && !requestsOnly ? { expectedSid: row.sid } : {}),
    simulation: simulationOf(row, context.account),
    ...(row.unsafe ? { unsafe: true } : {}),
  };
}

/** Instance tags as `ssm:resourceTag/*` context, with the document access check a StartSession carries. */
export function onInstanceTagged(tags: Record<string, string>): Record<string, string> {
  return {
    'ssm:SessionDocumentAccessCheck': 'true',
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v])),
  };
}

/** Tags a request sets, as `aws:RequestTag/*` context. */
export function requestTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v]));
}
