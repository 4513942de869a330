import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamSamlProvider } from '@cdktf/provider-aws/lib/iam-saml-provider';
import { Construct } from 'constructs';
import { ConfigError } from '../core/config-error';
import {
  type PolicyDocument,
  type PolicyStatement,
  escapeTerraformTemplate,
  policyDocument,
  renderPolicy,
} from '../core/policy-document';
import { rules, validateProps } from '../core/rules';

/** The audience of AWS sign-in SAML assertions. */
export const SAML_SIGNIN_AUDIENCE = 'https://signin.aws.amazon.com/saml';
/** Session tag naming the OS user a Session Manager session runs as. */
export const RUN_AS_TAG = 'SSMSessionRunAs';
/** SAML attribute names an IdP administrator configures. */
export const SAML_ATTRIBUTES = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  principalTagPrefix: 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:',
} as const;

/** The values an IdP administrator enters for this federation. */
export interface IdpConfiguration {
  /** The `Role` attribute: name and value `<role arn>,<provider arn>`. */
  readonly roleAttribute: { readonly name: string; readonly value: string };
  /** Attribute carrying the person's user name, which becomes the session name. */
  readonly roleSessionNameAttribute: string;
  /** Session tag attributes, `SSMSessionRunAs` (the OS user name) first. */
  readonly principalTagAttributes: readonly string[];
}

export interface SamlFederationProps {
  /** AWS account the provider and role live in (used to build their ARNs without a data source). */
  readonly accountId: string;
  /** Name of the IAM SAML provider. */
  readonly providerName: string;
  /** The IdP's SAML metadata document (1,000 to 10,000,000 characters). */
  readonly metadataXml: string;
  /** Name of the federated role. */
  readonly roleName: string;
  /**
   * Maximum session duration of the federated role, in hours (1-12).
   * @default 1
   */
  readonly maxSessionDurationHours?: number;
  /**
   * Require the `SSMSessionRunAs` session tag on every federated session, so each person's
   * Session Manager session runs as their own OS user.
   * @default true
   */
  readonly requireRunAsTag?: boolean;
  /**
   * Further principal tags the IdP sends (ABAC attributes); listed in the IdP outputs.
   * @default none
   */
  readonly principalTagNames?: readonly string[];
}

/**
 * An IAM SAML identity provider and the federated role people assume through it.
 *
 * The trust policy allows `sts:AssumeRoleWithSAML` and `sts:TagSession` for this provider only,
 * with `SAML:aud` pinned to the AWS sign-in endpoint. With run-as on, both actions require the
 * `SSMSessionRunAs` request tag: a condition on `sts:TagSession` alone would still let an IdP that
 * sends no tags create an untagged session, which would run as the shared default user.
 */
export class SamlFederation extends Construct {
  readonly provider: IamSamlProvider;
  readonly role: IamRole;
  /** ARN of the SAML provider (known at synth time). */
  readonly providerArn: string;
  /** ARN of the federated role (known at synth time). */
  readonly roleArn: string;
  /** The trust policy, as data. */
  readonly trustPolicy: PolicyDocument;
  /** What the IdP administrator configures. */
  readonly idpConfiguration: IdpConfiguration;

  constructor(scope: Construct, id: string, props: SamlFederationProps) {
    super(scope, id);
    validateProps(this.node.path, [
      ['accountId', props.accountId, rules.accountId],
      ['providerName', props.providerName, rules.samlProviderName],
      ['roleName', props.roleName, rules.iamRoleName],
      ['maxSessionDurationHours', props.maxSessionDurationHours, rules.sessionDurationHours],
    ]);
    if (props.metadataXml.length < 1_000 || props.metadataXml.length > 10_000_000) {
      throw new ConfigError([
        {
          file: this.node.path,
          path: 'metadataXml',
          value: `${props.metadataXml.length} characters`,
          message:
            'must be a SAML metadata document of 1,000 to 10,000,000 characters as IAM requires. Pass the full IdP metadata',
        },
      ]);
    }

    this.providerArn = `arn:aws:iam::${props.accountId}:saml-provider/${props.providerName}`;
    this.roleArn = `arn:aws:iam::${props.accountId}:role/${props.roleName}`;
    this.trustPolicy = samlTrustPolicy(this.providerArn, props.requireRunAsTag ?? true);

    this.provider = new IamSamlProvider(this, 'provider', {
      name: props.providerName,
      samlMetadataDocument: escapeTerraformTemplate(props.metadataXml),
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Federated Session Manager access; each session runs as the OS user in its SSMSessionRunAs tag',
      assumeRolePolicy: renderPolicy(this.trustPolicy),
      maxSessionDuration: (props.maxSessionDurationHours ?? 1) * 3600,
      // IAM rejects a trust policy whose federated principal does not exist yet.
      dependsOn: [this.provider],
    });

    const tagNames = [...((props.requireRunAsTag ?? true) ? [RUN_AS_TAG] : []), ...(props.principalTagNames ?? [])];
    this.idpConfiguration = {
      roleAttribute: { name: SAML_ATTRIBUTES.role, value: `${this.roleArn},${this.providerArn}` },
      roleSessionNameAttribute: SAML_ATTRIBUTES.roleSessionName,
      principalTagAttributes: tagNames.map((tag) => `${SAML_ATTRIBUTES.principalTagPrefix}${tag}`),
    };
  }
}

/** The federated role's trust policy. */
export function samlTrustPolicy(providerArn: string, requireRunAsTag: boolean): PolicyDocument {
  const statement: PolicyStatement = {
    Sid: 'AssumeWithSamlFromThisProvider',
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
    Condition: {
      StringEquals: { 'SAML:aud': SAML_SIGNIN_AUDIENCE },
      // Present and non-empty on both actions: an untagged session would run as the default user.
      ...(requireRunAsTag ? { StringLike: { [`aws:RequestTag/${RUN_AS_TAG}`]: '?*' } } : {}),
    },
  };
  return policyDocument([statement]);
}
