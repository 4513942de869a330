import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { Construct } from 'constructs';
import { escapeTerraformTemplate } from '../core/policy-document';
import { propProblems, rules } from '../core/rules';
import { reportProblems } from '../core/validation';
import { type SessionAccessPolicy, describeSessionPolicy } from '../session-access-policy/session-access-policy';
import { describeForReview, literal } from '../core/review-metadata';
import { RUN_AS_TAG } from '../core/tag-names';
import { DEFAULT_RUN_AS_SOURCE, identityCenterRules } from './identity-center-rules';

export { DEFAULT_RUN_AS_SOURCE, identityCenterRules } from './identity-center-rules';

/**
 * A user or group that gets the permission set in the environment's account.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html
 */
export interface PermissionSetAssignment {
  /** Whether `principalId` names a group or a user of the identity store. */
  readonly principalType: 'GROUP' | 'USER';
  /** Identity store id of the group or user (a UUID, from the Identity Center Users or Groups page). */
  readonly principalId: string;
}

/**
 * Properties of an {@link IdentityCenterPermissionSet}.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html
 */
export interface IdentityCenterPermissionSetProps {
  /** The Identity Center instance, `arn:aws:sso:::instance/ssoins-...` (from the Identity Center settings page). */
  readonly instanceArn: string;
  /**
   * Name of the permission set (1-32 characters: letters, digits and `+=,.@_-`); the role in the
   * account is `AWSReservedSSO_<name>_<suffix>`.
   */
  readonly permissionSetName: string;
  /**
   * Session duration of the permission set, in hours (1-12).
   *
   * @default 1
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html
   */
  readonly sessionDurationHours?: number;
  /** The session access policy, used as the permission set's inline policy. */
  readonly sessionAccessPolicy: SessionAccessPolicy;
  /** The environment's account, where the permission set is assigned. */
  readonly accountId: string;
  /**
   * Identity Center attribute for the `SSMSessionRunAs` session tag (the OS user of each session),
   * as an attribute path such as `${path:enterprise.employeeNumber}`.
   *
   * @default "${path:userName}"
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/attributesforaccesscontrol.html
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
   */
  readonly runAsSource?: string;
  /**
   * Identity Center attributes for the principal tags the access rules read (ABAC and principal-tag
   * owner), principal tag name -> attribute path, e.g. `{ AppId: '${path:enterprise.department}' }`.
   * Every tag the rules read must be mapped, or no instance matches.
   *
   * @default - none: only `SSMSessionRunAs` is mapped
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/attributesforaccesscontrol.html
   */
  readonly attributeSources?: Readonly<Record<string, string>>;
  /**
   * Manage the instance's access control attributes here. An Identity Center instance has one set
   * for all accounts: turn this off when another stack manages it (and map the same attributes there).
   *
   * @default true
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/configure-abac.html
   */
  readonly manageAccessControlAttributes?: boolean;
  /**
   * Users and groups to assign the permission set to in `accountId`.
   *
   * @default - none: assign it in Identity Center yourself
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html
   */
  readonly assignments?: readonly PermissionSetAssignment[];
  /**
   * Provider for the organization's management or delegated administrator account, in the
   * Identity Center home region.
   *
   * @default - the scope's default provider
   */
  readonly provider?: AwsProvider;
}

/**
 * The IAM Identity Center variant of the federation: a permission set whose inline policy is the
 * session access policy, access control attributes that turn user attributes into the session
 * tags the policy reads (`SSMSessionRunAs` and the ABAC tags), and optional account assignments.
 *
 * Deployed through a provider for the organization's management or delegated administrator
 * account. People then sign in as `AWSReservedSSO_<name>_<suffix>`, whose `aws:userid` is
 * `<role id>:<user name>`, so the owner rule and the own-session rule work unchanged.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/attributesforaccesscontrol.html
 */
export class IdentityCenterPermissionSet extends Construct {
  /** The permission set (escape hatch: the raw `aws_ssoadmin_permission_set` resource). */
  readonly permissionSet: SsoadminPermissionSet;
  /** The permission set's inline policy, the session access policy (escape hatch). */
  readonly inlinePolicy: SsoadminPermissionSetInlinePolicy;
  /** The instance's access control attributes; undefined when `manageAccessControlAttributes` is false. */
  readonly accessControlAttributes?: SsoadminInstanceAccessControlAttributes;
  /** One account assignment per entry of `assignments`, in order. */
  readonly assignments: readonly SsoadminAccountAssignment[];
  /** Principal tag -> Identity Center attribute path, `SSMSessionRunAs` first (unescaped). */
  readonly attributeMap: Readonly<Record<string, string>>;
  /** IAM ARN pattern of the role Identity Center provisions in the account. */
  readonly roleArnPattern: string;
  /** Name of the permission set (`IdentityCenterPermissionSetProps.permissionSetName`). */
  readonly permissionSetName: string;

  constructor(scope: Construct, id: string, props: IdentityCenterPermissionSetProps) {
    super(scope, id);
    const hours = props.sessionDurationHours ?? 1;
    const attributeMap: Record<string, string> = {
      [RUN_AS_TAG]: props.runAsSource ?? DEFAULT_RUN_AS_SOURCE,
      ...props.attributeSources,
    };
    const missing = props.sessionAccessPolicy.principalTags.filter((tag) => !(tag in attributeMap));
    reportProblems(this, [
      ...propProblems(this.node.path, [
        ['instanceArn', props.instanceArn, identityCenterRules.instanceArn],
        ['permissionSetName', props.permissionSetName, identityCenterRules.permissionSetName],
        ['sessionDurationHours', hours, rules.sessionDurationHours],
        ['accountId', props.accountId, rules.accountId],
        ...Object.entries(attributeMap).flatMap(([key, source]) => [
          [`attributeSources.${key}`, key, identityCenterRules.attributeKey] as const,
          [`attributeSources.${key}`, source, identityCenterRules.attributeSource] as const,
        ]),
        ...(props.assignments ?? []).map(
          (a, i) => [`assignments.${i}.principalId`, a.principalId, identityCenterRules.principalId] as const,
        ),
      ]),
      ...missing.map((tag) => ({
        file: this.node.path,
        path: 'attributeSources',
        value: Object.keys(attributeMap),
        message: `must map the principal tag ${tag}, which the access rules read (without it no instance matches). Add "${tag}": "\${path:...}"`,
      })),
    ]);
    this.attributeMap = attributeMap;
    this.permissionSetName = props.permissionSetName;
    this.roleArnPattern = `arn:aws:iam::${props.accountId}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${props.permissionSetName}_*`;
    const provider = props.provider ? { provider: props.provider } : {};

    this.permissionSet = new SsoadminPermissionSet(this, 'permission-set', {
      ...provider,
      name: props.permissionSetName,
      instanceArn: props.instanceArn,
      description: 'Session Manager shell access; each session runs as the OS user in SSMSessionRunAs',
      sessionDuration: `PT${hours}H`,
    });
    // Putting the inline policy also provisions the permission set to the accounts it is assigned to.
    this.inlinePolicy = new SsoadminPermissionSetInlinePolicy(this, 'inline-policy', {
      ...provider,
      instanceArn: props.instanceArn,
      permissionSetArn: this.permissionSet.arn,
      inlinePolicy: props.sessionAccessPolicy.json,
    });
    describeSessionPolicy(props.sessionAccessPolicy, this.inlinePolicy);
    describeForReview(this.permissionSet, {
      part: 'permission-set',
      instanceArn: props.instanceArn,
      permissionSetName: props.permissionSetName,
      sessionDurationHours: hours,
      runAsAttribute: literal(attributeMap[RUN_AS_TAG]),
      attributePaths: Object.fromEntries(Object.entries(props.attributeSources ?? {}).map(([k, v]) => [k, literal(v)])),
      manageAccessControlAttributes: props.manageAccessControlAttributes ?? true,
      assignments: (props.assignments ?? []).map((a) => ({
        principalType: a.principalType,
        principalId: a.principalId,
      })),
    });
    if (props.manageAccessControlAttributes ?? true) {
      this.accessControlAttributes = new SsoadminInstanceAccessControlAttributes(this, 'access-control-attributes', {
        ...provider,
        instanceArn: props.instanceArn,
        attribute: Object.entries(attributeMap).map(([key, source]) => ({
          key,
          // "${path:...}" is Identity Center syntax, not a Terraform template.
          value: [{ source: [escapeTerraformTemplate(source)] }],
        })),
      });
    }
    this.assignments = (props.assignments ?? []).map(
      (assignment) =>
        new SsoadminAccountAssignment(
          this,
          `assignment-${assignment.principalType.toLowerCase()}-${assignment.principalId}`,
          {
            ...provider,
            instanceArn: props.instanceArn,
            permissionSetArn: this.permissionSet.arn,
            principalType: assignment.principalType,
            principalId: assignment.principalId,
            targetType: 'AWS_ACCOUNT',
            targetId: props.accountId,
            // The policy must be in place before the role is provisioned into the account.
            dependsOn: [this.inlinePolicy],
          },
        ),
    );
  }
}
