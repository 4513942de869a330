import { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ConfigError } from '../core/config-error';

/**
 * What the AWS provider (hashicorp/aws 5.100.0) calls for each Terraform resource type a stack of
 * this project manages, as IAM actions: `read` is what a refresh (`terraform plan`) calls, `write`
 * what create, update and delete call besides the reads. The CI roles' policies are generated
 * from this table and the resource types in the stack, so they follow the stack as it grows.
 *
 * `read` lists configuration and metadata reads only, never data: no log events, no objects, no
 * decryption, no queue messages. A type missing here stops the synth: add it, with the calls of the
 * provider's read function (`internal/service/<service>/<resource>.go`, `resource<Name>Read`).
 */
export interface ResourceTypeActions {
  /** IAM actions of the provider's read function (refresh). */
  readonly read: readonly string[];
  /**
   * IAM actions of create, update and delete. Empty where the deploy role must not change the
   * resource (the CI roles' own resources, changed by an administrator), or where it lives in
   * another account (Identity Center, managed from the management account).
   */
  readonly write: readonly string[];
}

const S3_BUCKET_READS = [
  // HeadBucket (the bucket exists, and its region).
  's3:ListBucket',
  's3:GetBucketPolicy',
  's3:GetBucketAcl',
  's3:GetBucketCORS',
  's3:GetBucketWebsite',
  's3:GetBucketVersioning',
  's3:GetAccelerateConfiguration',
  's3:GetBucketRequestPayment',
  's3:GetBucketLogging',
  's3:GetLifecycleConfiguration',
  's3:GetReplicationConfiguration',
  's3:GetEncryptionConfiguration',
  's3:GetBucketObjectLockConfiguration',
  's3:GetBucketTagging',
] as const;

/** Terraform resource type -> the provider's IAM actions. Sorted by type; keep it so. */
export const TERRAFORM_RESOURCE_ACTIONS: Readonly<Record<string, ResourceTypeActions>> = {
  aws_cloudformation_stack: {
    read: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
    write: [
      'cloudformation:CreateStack',
      'cloudformation:UpdateStack',
      'cloudformation:DeleteStack',
      // The failure reasons after a create, update or delete that did not complete.
      'cloudformation:DescribeStackEvents',
      // No TagResource: the provider passes the stack's tags in CreateStack and UpdateStack.
      // The just-in-time approval documents: CloudFormation creates them with the caller's
      // credentials (the stack has no service role).
      'ssm:CreateDocument',
      'ssm:UpdateDocument',
      'ssm:UpdateDocumentDefaultVersion',
      'ssm:DeleteDocument',
      'ssm:DescribeDocument',
      'ssm:GetDocument',
      'ssm:AddTagsToResource',
      'ssm:RemoveTagsFromResource',
    ],
  },
  aws_cloudwatch_event_rule: {
    read: ['events:DescribeRule', 'events:ListTagsForResource'],
    write: [
      'events:PutRule',
      'events:DeleteRule',
      'events:EnableRule',
      'events:DisableRule',
      'events:TagResource',
      'events:UntagResource',
    ],
  },
  aws_cloudwatch_event_target: {
    read: ['events:ListTargetsByRule'],
    write: ['events:PutTargets', 'events:RemoveTargets'],
  },
  aws_cloudwatch_log_group: {
    read: ['logs:DescribeLogGroups', 'logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
    // No DeleteLogGroup: deleting a log group deletes its transcripts, an administrator's decision.
    write: [
      'logs:CreateLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:AssociateKmsKey',
      'logs:DisassociateKmsKey',
      'logs:TagResource',
      'logs:UntagResource',
      'logs:TagLogGroup',
      'logs:UntagLogGroup',
    ],
  },
  aws_cloudwatch_metric_alarm: {
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    write: [
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
    ],
  },
  aws_iam_instance_profile: {
    // GetRole: the provider reads the profile's role too (seen in a real plan's API log).
    read: ['iam:GetInstanceProfile', 'iam:GetRole'],
    write: [
      'iam:CreateInstanceProfile',
      'iam:DeleteInstanceProfile',
      'iam:AddRoleToInstanceProfile',
      'iam:RemoveRoleFromInstanceProfile',
      'iam:TagInstanceProfile',
      'iam:UntagInstanceProfile',
      // AddRoleToInstanceProfile passes the role to EC2.
      'iam:PassRole',
    ],
  },
  // The GitHub OIDC provider and the CI policies belong to the CI roles: an administrator changes them.
  aws_iam_openid_connect_provider: { read: ['iam:GetOpenIDConnectProvider'], write: [] },
  aws_iam_policy: { read: ['iam:GetPolicy', 'iam:GetPolicyVersion'], write: [] },
  aws_iam_role: {
    read: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
    write: [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:TagRole',
      'iam:UntagRole',
      // DeleteRole first removes the role from its instance profiles.
      'iam:ListInstanceProfilesForRole',
    ],
  },
  aws_iam_role_policy: { read: ['iam:GetRolePolicy'], write: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'] },
  aws_iam_role_policy_attachment: {
    read: ['iam:ListAttachedRolePolicies'],
    write: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
  },
  aws_iam_saml_provider: {
    read: ['iam:GetSAMLProvider'],
    write: [
      'iam:CreateSAMLProvider',
      'iam:UpdateSAMLProvider',
      'iam:DeleteSAMLProvider',
      'iam:TagSAMLProvider',
      'iam:UntagSAMLProvider',
    ],
  },
  aws_kms_alias: { read: ['kms:ListAliases'], write: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'] },
  aws_kms_key: {
    read: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
    write: [
      'kms:CreateKey',
      'kms:PutKeyPolicy',
      'kms:EnableKeyRotation',
      'kms:DisableKeyRotation',
      'kms:UpdateKeyDescription',
      // No ScheduleKeyDeletion: without the key, transcripts cannot be read; an administrator's decision.
      'kms:TagResource',
      'kms:UntagResource',
    ],
  },
  aws_lambda_function: {
    read: ['lambda:GetFunction', 'lambda:GetFunctionCodeSigningConfig', 'lambda:ListVersionsByFunction'],
    write: [
      'lambda:CreateFunction',
      'lambda:DeleteFunction',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:PutFunctionConcurrency',
      'lambda:DeleteFunctionConcurrency',
      'lambda:TagResource',
      'lambda:UntagResource',
      // CreateFunction and UpdateFunctionConfiguration pass the function's role to Lambda.
      'iam:PassRole',
    ],
  },
  aws_lambda_function_event_invoke_config: {
    read: ['lambda:GetFunctionEventInvokeConfig'],
    write: [
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:UpdateFunctionEventInvokeConfig',
      'lambda:DeleteFunctionEventInvokeConfig',
    ],
  },
  aws_lambda_permission: { read: ['lambda:GetPolicy'], write: ['lambda:AddPermission', 'lambda:RemovePermission'] },
  aws_s3_bucket: {
    read: S3_BUCKET_READS,
    // No DeleteBucket: removing an audit bucket is an administrator's decision.
    write: ['s3:CreateBucket', 's3:PutBucketTagging', 's3:PutBucketObjectLockConfiguration'],
  },
  aws_s3_bucket_lifecycle_configuration: {
    read: ['s3:GetLifecycleConfiguration'],
    write: ['s3:PutLifecycleConfiguration'],
  },
  aws_s3_bucket_logging: { read: ['s3:GetBucketLogging'], write: ['s3:PutBucketLogging'] },
  aws_s3_bucket_object_lock_configuration: {
    read: ['s3:GetBucketObjectLockConfiguration'],
    write: ['s3:PutBucketObjectLockConfiguration'],
  },
  aws_s3_bucket_ownership_controls: {
    read: ['s3:GetBucketOwnershipControls'],
    write: ['s3:PutBucketOwnershipControls'],
  },
  aws_s3_bucket_policy: { read: ['s3:GetBucketPolicy'], write: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'] },
  aws_s3_bucket_public_access_block: {
    read: ['s3:GetBucketPublicAccessBlock'],
    write: ['s3:PutBucketPublicAccessBlock'],
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    read: ['s3:GetEncryptionConfiguration'],
    write: ['s3:PutEncryptionConfiguration'],
  },
  aws_s3_bucket_versioning: { read: ['s3:GetBucketVersioning'], write: ['s3:PutBucketVersioning'] },
  aws_security_group: {
    read: ['ec2:DescribeSecurityGroups'],
    write: [
      'ec2:CreateSecurityGroup',
      'ec2:DeleteSecurityGroup',
      // Terraform removes the default allow-all egress rule of a new group.
      'ec2:RevokeSecurityGroupEgress',
      'ec2:CreateTags',
      'ec2:DeleteTags',
    ],
  },
  aws_sns_topic: {
    read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
    write: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource'],
  },
  aws_sns_topic_policy: { read: ['sns:GetTopicAttributes'], write: ['sns:SetTopicAttributes'] },
  aws_sns_topic_subscription: {
    read: ['sns:GetSubscriptionAttributes'],
    write: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes'],
  },
  aws_sqs_queue: {
    read: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
    write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
  },
  aws_sqs_queue_policy: { read: ['sqs:GetQueueAttributes'], write: ['sqs:SetQueueAttributes'] },
  aws_ssm_document: {
    read: ['ssm:DescribeDocument', 'ssm:GetDocument', 'ssm:DescribeDocumentPermission', 'ssm:ListTagsForResource'],
    write: [
      'ssm:CreateDocument',
      'ssm:UpdateDocument',
      'ssm:UpdateDocumentDefaultVersion',
      'ssm:DeleteDocument',
      'ssm:AddTagsToResource',
      'ssm:RemoveTagsFromResource',
    ],
  },
  // Identity Center lives in the management (or delegated administrator) account.
  aws_ssoadmin_account_assignment: { read: ['sso:ListAccountAssignments'], write: [] },
  aws_ssoadmin_instance_access_control_attributes: {
    read: ['sso:DescribeInstanceAccessControlAttributeConfiguration'],
    write: [],
  },
  aws_ssoadmin_permission_set: { read: ['sso:DescribePermissionSet', 'sso:ListTagsForResource'], write: [] },
  aws_ssoadmin_permission_set_inline_policy: { read: ['sso:GetInlinePolicyForPermissionSet'], write: [] },
  aws_vpc_endpoint: {
    // DescribePrefixLists: a gateway endpoint's prefix list id; DescribeNetworkInterfaces: an
    // interface endpoint's DNS entries (seen in a real plan's API log).
    read: ['ec2:DescribeVpcEndpoints', 'ec2:DescribePrefixLists', 'ec2:DescribeNetworkInterfaces'],
    write: [
      'ec2:CreateVpcEndpoint',
      'ec2:ModifyVpcEndpoint',
      'ec2:DeleteVpcEndpoints',
      'ec2:CreateTags',
      'ec2:DeleteTags',
    ],
  },
  aws_vpc_security_group_ingress_rule: {
    read: ['ec2:DescribeSecurityGroupRules'],
    write: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:ModifySecurityGroupRules',
      'ec2:CreateTags',
      'ec2:DeleteTags',
    ],
  },
};

/** The Terraform resource types of every resource under `scope`, sorted. */
export function resourceTypesIn(scope: IConstruct): string[] {
  const types = new Set<string>();
  for (const construct of scope.node.findAll()) {
    if (TerraformResource.isTerraformResource(construct)) {
      types.add((construct as TerraformResource).terraformResourceType);
    }
  }
  return [...types].sort();
}

/**
 * The table's entries for these resource types; a type the table does not know is a ConfigError
 * naming it, so a new resource type cannot leave the CI roles unable to plan or deploy it.
 */
export function actionsOfTypes(where: string, types: readonly string[]): ResourceTypeActions[] {
  const unknown = types.filter((t) => !(t in TERRAFORM_RESOURCE_ACTIONS));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((type) => ({
        file: where,
        path: 'resource types of the stack',
        value: type,
        message:
          "must each be in TERRAFORM_RESOURCE_ACTIONS (modules/github-oidc/terraform-actions.ts), or the CI roles could neither plan nor deploy them. Add the type with the IAM actions of the provider's read, create, update and delete functions",
      })),
    );
  }
  return types.map((t) => TERRAFORM_RESOURCE_ACTIONS[t]);
}

/** Sorted, without duplicates. */
export function uniqueSorted(actions: Iterable<string>): string[] {
  return [...new Set(actions)].sort();
}
