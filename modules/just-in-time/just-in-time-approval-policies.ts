import { CloudformationStack } from '@cdktf/provider-aws/lib/cloudformation-stack';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { ConfigProblem } from '../core/config-error';
import { escapeTerraformTemplate } from '../core/policy-document';
import { type AwsRegion, propProblems, rules as propRules } from '../core/rules';
import { reportProblems } from '../core/validation';
import {
  AUTO_APPROVAL_POLICY_NAME,
  type ManualApproval,
  autoApprovalContent,
  denyAccessContent,
  manualApprovalContent,
  manualApprovalProblems,
} from './approval-documents';
import { type AutoApprovalRules, type TagMatch, autoApprovalCedar, cedarProblems, denyAccessCedar } from './cedar';

/**
 * Properties of {@link JustInTimeApprovalPolicies}.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access-approval-policies.html
 */
export interface JustInTimeApprovalPoliciesProps {
  /** Provider of the region the policies apply in (approval policies are per account and region). */
  readonly provider?: TerraformProvider;
  /** The region of `provider`. */
  readonly region: AwsRegion;
  /** Environment name: the CloudFormation stack is `<environmentName>-just-in-time-approvals`. */
  readonly environmentName: string;
  /**
   * The rules approved without a person (the auto-approval policy, one per account and region).
   *
   * @default - nothing is auto-approved: no auto-approval document
   */
  readonly autoApproval?: AutoApprovalRules;
  /**
   * Manual approval policies (up to 50; no two may be able to match one node).
   *
   * @default - none
   */
  readonly manualApprovals?: readonly ManualApproval[];
  /**
   * The organization's deny-access policy (`forbid` on auto-approval for instances with these
   * tags). It lives in the delegated administrator account, so it is only built here, as data
   * ({@link JustInTimeApprovalPolicies.denyAccessDocumentJson}) for that account's stack.
   *
   * @default - none
   */
  readonly denyAccess?: readonly TagMatch[];
}

/**
 * The approval policies of Systems Manager just-in-time node access for one account and region:
 * the auto-approval policy (Cedar, validated strictly against AWS's schema at synth time) and the
 * manual approval policies, as SSM documents of type `AutoApprovalPolicy` and `ManualApprovalPolicy`.
 *
 * **Why a CloudFormation stack.** Terraform's `aws_ssm_document` (AWS provider 5.100.0) accepts
 * both document types, but its read calls `DescribeDocumentPermission`, which AWS refuses for
 * them (hashicorp/terraform-provider-aws#45569): the apply fails after creating the document, and
 * every later plan and the destroy stay blocked on the refresh. CloudFormation's
 * `AWS::SSM::Document` supports both types, so the documents live in one `aws_cloudformation_stack`,
 * whose refresh reads the stack (`DescribeStacks`, `GetTemplate`) and never the documents'
 * permissions. Content changes update the documents in place (`UpdateMethod: NewVersion`): the
 * auto-approval policy's name is fixed, so a replacement would collide with itself.
 *
 * The stack is the raw escape hatch ({@link stack}); its template is deterministic JSON.
 *
 * @example
 * ```ts
 * const approvals = new JustInTimeApprovalPolicies(stack, 'approvals-eu-west-1', {
 *   provider,
 *   region: 'eu-west-1',
 *   environmentName: 'prod',
 *   autoApproval: { attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 1 } },
 *   manualApprovals: [{ name: 'prod-platform', targets: 'all', approvers: [{ type: 'SSOGroup', name: groupId }],
 *     minRequiredApprovals: 1, accessDurationHours: 4 }],
 * });
 * ```
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-document.html
 * @see https://github.com/hashicorp/terraform-provider-aws/issues/45569
 */
export class JustInTimeApprovalPolicies extends Construct {
  /** The auto-approval policy's Cedar text; empty when nothing is auto-approved. */
  readonly autoApprovalCedar: string;
  /** The deny-access policy's Cedar text; empty when there is none. */
  readonly denyAccessCedar: string;
  /**
   * The deny-access document's content as JSON (what `aws ssm create-document --content` takes,
   * with `--name SSM-JustInTimeAccessDenyAccessOrgPolicy --document-type AutoApprovalPolicy`), for
   * the delegated administrator account; empty without one.
   */
  readonly denyAccessDocumentJson: string;
  /** Names of the manual approval documents (a requester starts their approval workflows). */
  readonly manualApprovalDocumentNames: readonly string[];
  /** The CloudFormation template, as data. */
  readonly template: CloudFormationTemplate;
  /** The raw `aws_cloudformation_stack`; undefined when there is nothing to deploy. */
  readonly stack?: CloudformationStack;

  constructor(scope: Construct, id: string, props: JustInTimeApprovalPoliciesProps) {
    super(scope, id);
    const manual = props.manualApprovals ?? [];
    const problems: ConfigProblem[] = propProblems(this.node.path, [['region', props.region, propRules.region]]);
    problems.push(
      ...manualApprovalProblems(manual).map((p) => ({
        file: this.node.path,
        path: p.path === '' ? 'manualApprovals' : `manualApprovals.${p.path}`,
        value: p.value,
        message: p.message,
      })),
    );
    this.autoApprovalCedar = autoApprovalCedar(props.autoApproval ?? {});
    this.denyAccessCedar = denyAccessCedar(props.denyAccess ?? []);
    // Synth-time validation: a policy the schema rejects never reaches AWS.
    for (const [field, cedar] of [
      ['autoApproval', this.autoApprovalCedar],
      ['denyAccess', this.denyAccessCedar],
    ] as const) {
      if (cedar === '') continue;
      for (const message of cedarProblems(cedar)) {
        problems.push({
          file: this.node.path,
          path: field,
          value: message,
          message:
            'must compile to Cedar that validates strictly against the just-in-time node access schema. Fix the rule the message names',
        });
      }
    }
    const logicalIds = manual.map((m) => `ManualApproval${m.name.replace(/[^A-Za-z0-9]/g, '')}`);
    logicalIds.forEach((logicalId, i) => {
      if (logicalIds.indexOf(logicalId) !== i) {
        problems.push({
          file: this.node.path,
          path: `manualApprovals.${i}.name`,
          value: manual[i]!.name,
          message: `must differ from manualApprovals.${logicalIds.indexOf(logicalId)} in more than punctuation (both become the CloudFormation resource ${logicalId}). Rename one`,
        });
      }
    });
    reportProblems(this, problems);

    this.manualApprovalDocumentNames = manual.map((m) => m.name);
    this.denyAccessDocumentJson =
      this.denyAccessCedar === ''
        ? ''
        : JSON.stringify(
            denyAccessContent(this.denyAccessCedar, 'No auto-approval on these instances, organization-wide'),
          );

    const resources: Record<string, CloudFormationResource> = {};
    if (this.autoApprovalCedar !== '') {
      resources.AutoApprovalPolicy = ssmDocument(
        AUTO_APPROVAL_POLICY_NAME,
        'AutoApprovalPolicy',
        autoApprovalContent(this.autoApprovalCedar, `Auto-approval of ${props.environmentName} access rules`),
      );
    }
    manual.forEach((m, i) => {
      resources[logicalIds[i]!] = ssmDocument(m.name, 'ManualApprovalPolicy', manualApprovalContent(m));
    });
    this.template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `Just-in-time node access approval policies of ${props.environmentName} in ${props.region}`,
      Resources: resources,
    };
    if (Object.keys(resources).length === 0) return;
    // No notificationArns (checkov CKV_AWS_124): Terraform is the stack's only operator, waits for
    // each operation and fails the apply with the failed events' reasons; CloudTrail records who
    // changed it. The environment's only topics are break-glass alarms, which deploy notices would
    // drown. docs/guides/just-in-time.md, "Stack events and CKV_AWS_124".
    this.stack = new CloudformationStack(this, 'stack', {
      ...(props.provider ? { provider: props.provider } : {}),
      name: `${props.environmentName}-just-in-time-approvals`,
      templateBody: escapeTerraformTemplate(JSON.stringify(this.template)),
    });
  }

  /**
   * Grants the deploy role what deploying these policies needs beyond the stack resource itself:
   * CloudFormation creates the approval documents with the caller's credentials (the stack has no
   * service role), so the caller must be allowed to manage documents of these names.
   */
  grantDeploy(grantee: DocumentDeployGrantee): void {
    const names = Object.values(this.template.Resources).map((r) => r.Properties.Name);
    if (names.length > 0) grantee.grantManageDocuments(names);
  }
}

/** Who deploys documents that CloudFormation creates with the caller's credentials (the CI deploy role). */
export interface DocumentDeployGrantee {
  /** Lets the grantee create, change and delete the Systems Manager documents of these names. */
  grantManageDocuments(names: readonly string[]): void;
}

/** The parts of a CloudFormation template this construct writes. */
export interface CloudFormationTemplate {
  /** The one template format version. */
  readonly AWSTemplateFormatVersion: '2010-09-09';
  /** Which environment and region the policies are for. */
  readonly Description: string;
  /** The documents, by logical id (`AutoApprovalPolicy`, `ManualApproval<name without punctuation>`). */
  readonly Resources: Record<string, CloudFormationResource>;
}

/** One `AWS::SSM::Document` resource. */
export interface CloudFormationResource {
  /** Always an SSM document. */
  readonly Type: 'AWS::SSM::Document';
  /** The document's CloudFormation properties. */
  readonly Properties: {
    /** The document name (fixed for the auto-approval policy). */
    readonly Name: string;
    /** One of the two just-in-time document types. */
    readonly DocumentType: 'AutoApprovalPolicy' | 'ManualApprovalPolicy';
    /** The format CloudFormation writes `Content` in, as in AWS's samples. */
    readonly DocumentFormat: 'YAML';
    /** Content changes become a new default version; the fixed name rules out a replacement. */
    readonly UpdateMethod: 'NewVersion';
    /** The document content (schema 0.3). */
    readonly Content: Record<string, unknown>;
  };
}

function ssmDocument(
  name: string,
  type: CloudFormationResource['Properties']['DocumentType'],
  content: Record<string, unknown>,
): CloudFormationResource {
  // YAML as in AWS's samples: CloudFormation writes the Content object out in that format.
  return {
    Type: 'AWS::SSM::Document',
    Properties: {
      Name: name,
      DocumentType: type,
      DocumentFormat: 'YAML',
      UpdateMethod: 'NewVersion',
      Content: content,
    },
  };
}
