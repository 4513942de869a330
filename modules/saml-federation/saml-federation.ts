import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamSamlProvider } from '@cdktf/provider-aws/lib/iam-saml-provider';
import { Construct } from 'constructs';
import {
  type PolicyConditions,
  type PolicyDocument,
  type PolicyStatement,
  escapeTerraformTemplate,
  mergeConditions,
  policyDocument,
  renderPolicy,
} from '../core/policy-document';
import { type RunAsGuard, runAsGuardProblems, runAsTrustConditions } from '../core/run-as-guard';
import { type PropCheck, propProblems, rules } from '../core/rules';
import { reportProblems } from '../core/validation';
import { samlMetadataProblem, withoutByteOrderMark } from './saml-metadata';
import { RUN_AS_TAG } from '../core/tag-names';
import { describeForReview } from '../core/review-metadata';

/** The audience of AWS sign-in SAML assertions. */
export const SAML_SIGNIN_AUDIENCE = 'https://signin.aws.amazon.com/saml';
export { RUN_AS_TAG };
/** SAML attribute names an IdP administrator configures. */
export const SAML_ATTRIBUTES = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  principalTagPrefix: 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:',
  sourceIdentity: 'https://aws.amazon.com/SAML/Attributes/SourceIdentity',
} as const;

/**
 * Source identity on federated sessions: `off` (not allowed), `allowed` (the trust policy allows
 * `sts:SetSourceIdentity`, so an IdP that sends it sets it) or `required` (a sign-in without a
 * non-empty source identity is refused).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
 */
export type SourceIdentityMode = 'off' | 'allowed' | 'required';

/** The source identity modes, for schemas and validation. */
export const SOURCE_IDENTITY_MODES: readonly SourceIdentityMode[] = ['off', 'allowed', 'required'];

/**
 * The values an IdP administrator enters for this federation: the SAML attributes of the
 * assertion the IdP sends to AWS sign-in.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html
 */
export interface IdpConfiguration {
  /** The `Role` attribute: name and value `<role arn>,<provider arn>`. */
  readonly roleAttribute: {
    /** Attribute name, `https://aws.amazon.com/SAML/Attributes/Role`. */
    readonly name: string;
    /** Attribute value, `<role arn>,<provider arn>`. */
    readonly value: string;
  };
  /** Attribute carrying the person's user name, which becomes the session name. */
  readonly roleSessionNameAttribute: string;
  /** Session tag attributes, `SSMSessionRunAs` (the OS user name) first. */
  readonly principalTagAttributes: readonly string[];
  /**
   * The `SourceIdentity` attribute, sent with the person's user name, when source identity is
   * not `off`; undefined otherwise.
   */
  readonly sourceIdentityAttribute?: string;
}

/**
 * Properties of a {@link SamlFederation}.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html
 */
export interface SamlFederationProps {
  /** AWS account the provider and role live in (used to build their ARNs without a data source). */
  readonly accountId: string;
  /**
   * Name of the IAM SAML provider (1-128 characters: letters, digits and `._-`).
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html
   */
  readonly providerName: string;
  /**
   * The IdP's SAML metadata document (1,000 to 10,000,000 characters), as the IdP exports it.
   * Read it from a file; it is written to the Terraform configuration verbatim, without a leading
   * byte-order mark (Entra ID's downloads start with one, which IAM is reported to refuse).
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html
   */
  readonly metadataXml: string;
  /**
   * Name of the federated role (1-64 characters: letters, digits and `+=,.@_-`). IAM names are
   * global to the account, so include the environment.
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html
   */
  readonly roleName: string;
  /**
   * Maximum session duration of the federated role, in hours (1-12). A federated session lasts
   * at most this long, whatever the IdP asks for.
   *
   * @default 1
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html#id_roles_update-session-duration
   */
  readonly maxSessionDurationHours?: number;
  /**
   * Require the `SSMSessionRunAs` session tag on every federated session, so each person's
   * Session Manager session runs as their own OS user. With it on, the trust policy refuses a
   * sign-in whose assertion carries no `SSMSessionRunAs` tag; with it off, such a session runs as
   * the preferences' default user.
   *
   * @default true
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
   */
  readonly requireRunAsTag?: boolean;
  /**
   * Which OS users the `SSMSessionRunAs` tag may not name: the trust policy refuses a sign-in
   * whose tag is `root`, `ssm-user` (unless `allowSharedDefaultUser`) or one of `deniedUsers`, in
   * any letter case, or misses `allowedPattern`. Applies with `requireRunAsTag` off too, to the
   * sign-ins that send the tag. Give the same guard to the `SessionAccessPolicy`.
   *
   * @default - `root`, `ssm-user` and `DEFAULT_DENIED_RUN_AS_USERS` refused; no pattern
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
   */
  readonly runAsGuard?: RunAsGuard;
  /**
   * Further principal tags the IdP sends (ABAC attributes such as those the access rules read);
   * listed in {@link SamlFederation.idpConfiguration}. The trust policy allows `sts:TagSession`
   * either way; this only tells the IdP administrator which attributes to send.
   *
   * @default - none: only `SSMSessionRunAs` (when `requireRunAsTag` is on)
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
   */
  readonly principalTagNames?: readonly string[];
  /**
   * Source identity: the IdP sends the person's name as the SAML attribute
   * `https://aws.amazon.com/SAML/Attributes/SourceIdentity`; AWS then writes it on every
   * CloudTrail record of the session, and role chaining cannot change it. `allowed` lets the
   * trust policy accept it (`sts:SetSourceIdentity`); `required` also refuses a sign-in without a
   * non-empty `sts:SourceIdentity`; `off` refuses any.
   *
   * @default 'allowed'
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html
   */
  readonly sourceIdentity?: SourceIdentityMode;
  /**
   * ARN of a managed policy to set as the federated role's permissions boundary (the stack passes
   * `GitHubActionsRoles.permissionsBoundaryArn` when CI deploys it).
   *
   * @default - no permissions boundary
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * An IAM SAML identity provider and the federated role people assume through it.
 *
 * The trust policy allows `sts:AssumeRoleWithSAML` and `sts:TagSession` for this provider only,
 * with `SAML:aud` pinned to the AWS sign-in endpoint. With run-as on, both actions require the
 * `SSMSessionRunAs` request tag: a condition on `sts:TagSession` alone would still let an IdP that
 * sends no tags create an untagged session, which would run as the shared default user.
 *
 * Attach the access policy with `SessionAccessPolicy.attachToRole(federation.role)`.
 *
 * @example
 * ```ts
 * const federation = new SamlFederation(stack, 'federation', {
 *   accountId: '123456789012',
 *   providerName: 'CorpIdp',
 *   metadataXml: readFileSync('idp-metadata.xml', 'utf8'),
 *   roleName: 'prod-shell',
 * });
 * ```
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_saml.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html
 */
export class SamlFederation extends Construct {
  /** The IAM SAML provider (escape hatch: the raw `aws_iam_saml_provider` resource). */
  readonly provider: IamSamlProvider;
  /** The federated role (escape hatch: the raw `aws_iam_role` resource). */
  readonly role: IamRole;
  /** ARN of the SAML provider (known at synth time). */
  readonly providerArn: string;
  /** ARN of the federated role (known at synth time). */
  readonly roleArn: string;
  /** Name of the federated role (`SamlFederationProps.roleName`). */
  readonly roleName: string;
  /** The role's trust policy, as data. */
  readonly trustPolicy: PolicyDocument;
  /** What the IdP administrator configures (worth a stack output). */
  readonly idpConfiguration: IdpConfiguration;

  constructor(scope: Construct, id: string, props: SamlFederationProps) {
    super(scope, id);
    const metadataXml = withoutByteOrderMark(props.metadataXml);
    const metadataProblem = samlMetadataProblem(metadataXml);
    reportProblems(this, [
      ...propProblems(this.node.path, [
        ['accountId', props.accountId, rules.accountId],
        ['providerName', props.providerName, rules.samlProviderName],
        ['roleName', props.roleName, rules.iamRoleName],
        ['maxSessionDurationHours', props.maxSessionDurationHours, rules.sessionDurationHours],
        [
          'sourceIdentity',
          props.sourceIdentity,
          {
            test: (v: string) => (SOURCE_IDENTITY_MODES as readonly string[]).includes(v),
            message: 'must be "off", "allowed" or "required". Pick one of them',
          },
        ],
        ...(props.principalTagNames ?? []).map((tag, i): PropCheck => [
          `principalTagNames.${i}`,
          tag,
          rules.accessTagKey,
        ]),
      ]),
      ...runAsGuardProblems(this.node.path, 'runAsGuard', props.runAsGuard),
      ...(metadataProblem === undefined
        ? []
        : [
            {
              file: this.node.path,
              path: 'metadataXml',
              value: `${metadataXml.slice(0, 40)}... (${metadataXml.length} characters)`,
              message: metadataProblem,
            },
          ]),
    ]);

    this.providerArn = `arn:aws:iam::${props.accountId}:saml-provider/${props.providerName}`;
    this.roleArn = `arn:aws:iam::${props.accountId}:role/${props.roleName}`;
    this.roleName = props.roleName;
    const sourceIdentity = props.sourceIdentity ?? 'allowed';
    this.trustPolicy = samlTrustPolicy(
      this.providerArn,
      props.requireRunAsTag ?? true,
      sourceIdentity,
      props.runAsGuard ?? {},
    );

    this.provider = new IamSamlProvider(this, 'provider', {
      name: props.providerName,
      samlMetadataDocument: escapeTerraformTemplate(metadataXml),
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Federated Session Manager access; each session runs as the OS user in its SSMSessionRunAs tag',
      assumeRolePolicy: renderPolicy(this.trustPolicy),
      maxSessionDuration: (props.maxSessionDurationHours ?? 1) * 3600,
      ...(props.permissionsBoundaryArn === undefined ? {} : { permissionsBoundary: props.permissionsBoundaryArn }),
      // IAM rejects a trust policy whose federated principal does not exist yet.
      dependsOn: [this.provider],
    });
    describeForReview(this.role, {
      part: 'federated-role',
      accountId: props.accountId,
      providerName: props.providerName,
      roleName: props.roleName,
      maxSessionDurationHours: props.maxSessionDurationHours ?? 1,
      requireRunAsTag: props.requireRunAsTag ?? true,
      sourceIdentity: props.sourceIdentity ?? 'allowed',
    });

    const tagNames = [...((props.requireRunAsTag ?? true) ? [RUN_AS_TAG] : []), ...(props.principalTagNames ?? [])];
    this.idpConfiguration = {
      roleAttribute: { name: SAML_ATTRIBUTES.role, value: `${this.roleArn},${this.providerArn}` },
      roleSessionNameAttribute: SAML_ATTRIBUTES.roleSessionName,
      principalTagAttributes: tagNames.map((tag) => `${SAML_ATTRIBUTES.principalTagPrefix}${tag}`),
      ...(sourceIdentity === 'off' ? {} : { sourceIdentityAttribute: SAML_ATTRIBUTES.sourceIdentity }),
    };
  }
}

/**
 * The federated role's trust policy: {@link samlTrustStatement} for this provider.
 */
export function samlTrustPolicy(
  providerArn: string,
  requireRunAsTag: boolean,
  sourceIdentity: SourceIdentityMode = 'allowed',
  runAsGuard: RunAsGuard = {},
): PolicyDocument {
  return policyDocument([
    samlTrustStatement({
      sid: 'AssumeWithSamlFromThisProvider',
      providerArn,
      requireRunAsTag,
      sourceIdentity,
      runAsGuard,
    }),
  ]);
}

/** What a SAML trust statement needs: see {@link samlTrustStatement}. */
export interface SamlTrustInput {
  /** The statement id. */
  readonly sid: string;
  /** The IAM SAML provider whose assertions are trusted. */
  readonly providerArn: string;
  /** Require a non-empty `SSMSessionRunAs` request tag on every action. */
  readonly requireRunAsTag: boolean;
  /** @default 'allowed' */
  readonly sourceIdentity?: SourceIdentityMode;
  /** The OS users no sign-in may name in `SSMSessionRunAs`. @default root and ssm-user */
  readonly runAsGuard?: RunAsGuard;
}

/**
 * The statement that lets a SAML provider's users assume a role: `sts:AssumeRoleWithSAML` and
 * `sts:TagSession` (and `sts:SetSourceIdentity` unless source identity is off) for this provider
 * and the AWS sign-in audience, with the `SSMSessionRunAs` request tag required when
 * `requireRunAsTag` is true and a non-empty source identity when `sourceIdentity` is `required`.
 * The run-as guard refuses a tag that names a refused OS user or misses the allowed pattern.
 * Every role a SAML sign-in can reach (the federated role, the break-glass role) trusts through
 * it, so a rule added here holds for all of them.
 */
export function samlTrustStatement(input: SamlTrustInput): PolicyStatement {
  const sourceIdentity = input.sourceIdentity ?? 'allowed';
  // On every action, so no session starts without a source identity.
  const sourceIdentityRequired: PolicyConditions =
    sourceIdentity === 'required' ? { StringLike: { 'sts:SourceIdentity': '?*' } } : {};
  return {
    Sid: input.sid,
    Effect: 'Allow',
    Principal: { Federated: input.providerArn },
    Action: [
      'sts:AssumeRoleWithSAML',
      'sts:TagSession',
      ...(sourceIdentity === 'off' ? [] : ['sts:SetSourceIdentity']),
    ],
    // The run-as conditions sit on every action too: with them on sts:TagSession alone, an IdP
    // that sends no tags would still create an untagged session running as the default user.
    Condition: mergeConditions(
      { StringEquals: { 'SAML:aud': SAML_SIGNIN_AUDIENCE } },
      runAsTrustConditions(input.runAsGuard ?? {}, input.requireRunAsTag),
      sourceIdentityRequired,
    ),
  };
}
