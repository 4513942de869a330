/**
 * What this project knows about each Terraform resource type it manages, in one entry per type:
 * the IAM actions the AWS provider (hashicorp/aws 5.100.0) calls to refresh it (`terraform plan`)
 * and to change it (`terraform apply`), the ARNs those refresh reads are authorized on, the
 * attributes that hold IAM policies (for the synth-time lint and size check and for the policy
 * diff of the plan report), and whether destroying it loses audit data or access.
 *
 * Every other table (the CI roles' policies, the lint's policy sources, the review's policy
 * attributes and dangers) is derived from this one. A synthesized stack that holds a type without
 * an entry fails a test; adding a type is adding its entry here, sorted by type.
 */

/** What a policy is attached to, which decides the lint rules and the quota that apply. */
export type PolicyKind = 'identity' | 'trust' | 'resource' | 'service-control';

export interface PolicyQuota {
  readonly name: string;
  /** Characters, whitespace not counted. */
  readonly maxChars: number;
}

/** IAM, Identity Center and Organizations quotas (characters, whitespace not counted). */
export const POLICY_QUOTAS = {
  managedPolicy: { name: 'IAM managed policy size', maxChars: 6_144 },
  roleInlinePolicies: { name: 'IAM inline policies of one role, all together', maxChars: 10_240 },
  trustPolicy: { name: 'IAM role trust policy size (default quota)', maxChars: 2_048 },
  permissionSetInlinePolicy: { name: 'Identity Center permission set inline policy size', maxChars: 10_240 },
  serviceControlPolicy: { name: 'Organizations SCP size', maxChars: 5_120 },
  kmsKeyPolicy: { name: 'KMS key policy size', maxChars: 32_768 },
  s3BucketPolicy: { name: 'S3 bucket policy size', maxChars: 20_480 },
  snsTopicPolicy: { name: 'SNS topic policy size', maxChars: 30_720 },
  sqsQueuePolicy: { name: 'SQS queue policy size', maxChars: 20_480 },
} as const satisfies Record<string, PolicyQuota>;

/** Managed policies one IAM role may have attached (the default quota; 20 with an increase). */
export const MANAGED_POLICIES_PER_ROLE = 10;

/** An attribute of a resource type that holds an IAM policy document. */
export interface PolicyAttribute {
  readonly attribute: string;
  /** What the review calls it, e.g. `trust policy`. */
  readonly label: string;
  readonly kind: PolicyKind;
  /** The quota it counts against; omitted where AWS has none worth checking. */
  readonly quota?: PolicyQuota;
  /** Attribute whose value groups policies against one quota (the role of an inline policy). */
  readonly groupBy?: string;
}

/** A resource of the stack, as an ARN builder sees it. */
export interface ResourceUnderRead {
  /** The attribute's value when it is known at synth time; undefined for a reference or when unset. */
  literal(attribute: string): string | undefined;
  /** A Terraform reference to one of the resource's attributes (resolved at apply time). */
  reference(attribute: string): string;
  readonly accountId: string;
}

/**
 * How IAM authorizes a type's refresh reads:
 * - `global`: on ARNs without a region (IAM, S3, Identity Center);
 * - `regional`: on ARNs written with `*` for the region, which the statement's `aws:RequestedRegion`
 *   condition keeps to the stack's regions (one ARN per name, not one per name and region);
 * - `alias`: on `key/*` in the stack's regions, for keys that carry one of the stack's aliases
 *   (`kms:ResourceAliases`): a key's id exists only after apply, and one reference per key and region
 *   would grow the policy with every region.
 */
export type ReadScope = 'global' | 'regional' | 'alias';

/** Everything known about one Terraform resource type. */
export interface ResourceType {
  /** The IAM service prefix of the resource (which CI policy family its statements go to). */
  readonly service: string;
  /**
   * IAM actions of the provider's read function (refresh): configuration and metadata reads only,
   * never data (no log events, objects, decryption or queue messages).
   */
  readonly read: readonly string[];
  /**
   * IAM actions of create, update and delete. Empty where the deploy role must not change the
   * resource (the CI roles' own resources, changed by an administrator), or where it lives in
   * another account (Identity Center, managed from the management account).
   */
  readonly write: readonly string[];
  readonly readScope: ReadScope;
  /** The ARNs its refresh reads are authorized on; none where every read is on `"*"`. */
  readonly refreshArns?: (r: ResourceUnderRead) => readonly string[];
  /** Attributes that hold IAM policies. */
  readonly policies?: readonly PolicyAttribute[];
  /** Destroying or replacing it loses audit data or access: what to say in the review. */
  readonly protected?: string;
}

/**
 * Refresh reads for which the Service Authorization Reference lists no resource type: IAM
 * authorizes them on `"*"` only, so they cannot be scoped. Each with the reason, for the review.
 */
export const READS_WITHOUT_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'ec2:DescribeNetworkInterfaces': 'EC2 Describe calls list, and support no resource-level permissions',
  'ec2:DescribePrefixLists': 'EC2 Describe calls list, and support no resource-level permissions',
  'ec2:DescribeSecurityGroupRules': 'EC2 Describe calls list, and support no resource-level permissions',
  'ec2:DescribeSecurityGroups': 'EC2 Describe calls list, and support no resource-level permissions',
  'ec2:DescribeVpcEndpoints': 'EC2 Describe calls list, and support no resource-level permissions',
  'kms:ListAliases': 'lists the aliases of the account and region; it has no resource type',
  'logs:DescribeLogGroups': 'lists the log groups of the account and region; it has no resource type',
};

// ---------------------------------------------------------------------------------------------
// ARN builders of the refresh reads

const iam = (r: ResourceUnderRead, kind: string, name: string, path = '/') =>
  `arn:aws:iam::${r.accountId}:${kind}${path}${name}`;
/** A regional ARN with `*` for the region (see ReadScope). */
const regional = (r: ResourceUnderRead, service: string, resource: string) =>
  `arn:aws:${service}:*:${r.accountId}:${resource}`;
/** The ARN by name when the name is known at synth time, else the resource's own `arn` by reference. */
const named = (r: ResourceUnderRead, attribute: string, arn: (name: string) => string) => {
  const name = r.literal(attribute);
  return [name === undefined ? r.reference('arn') : arn(name)];
};
/** The ARN of a resource this one refers to, when it names it literally (a reference is to a resource of the stack, named by its own entry). */
const parent = (r: ResourceUnderRead, attribute: string, arn: (name: string) => string) => {
  const name = r.literal(attribute);
  return name === undefined ? [] : [name.startsWith('arn:') ? name : arn(name)];
};
const bucket = (name: string) => `arn:aws:s3:::${name}`;
const role = (r: ResourceUnderRead) => (name: string) => iam(r, 'role', name);
const fn = (r: ResourceUnderRead) => (name: string) => regional(r, 'lambda', `function:${name}`);
const rule = (r: ResourceUnderRead, bus?: string) => (name: string) =>
  regional(r, 'events', `rule/${bus && bus !== 'default' ? `${bus}/` : ''}${name}`);
const ic = (r: ResourceUnderRead) => [
  ...parent(r, 'instance_arn', (n) => n),
  ...parent(r, 'permission_set_arn', (n) => n),
];
const bucketPart = (read: readonly string[], write: readonly string[]): ResourceType => ({
  service: 's3',
  read,
  write,
  readScope: 'global',
  refreshArns: (r) => parent(r, 'bucket', bucket),
});

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

const SSM_DOCUMENT_WRITES = [
  'ssm:CreateDocument',
  'ssm:UpdateDocument',
  'ssm:UpdateDocumentDefaultVersion',
  'ssm:DeleteDocument',
  'ssm:AddTagsToResource',
  'ssm:RemoveTagsFromResource',
] as const;

const resourcePolicy = (attribute: string, label: string, quota?: PolicyQuota): readonly PolicyAttribute[] => [
  { attribute, label, kind: 'resource', ...(quota ? { quota } : {}) },
];

/** Terraform resource type -> what this project knows about it. Sorted by type; keep it so. */
export const RESOURCE_TYPES: Readonly<Record<string, ResourceType>> = {
  aws_cloudformation_stack: {
    service: 'cloudformation',
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
      ...SSM_DOCUMENT_WRITES,
      'ssm:DescribeDocument',
      'ssm:GetDocument',
    ],
    readScope: 'regional',
    // A stack's ARN ends with an id CloudFormation gives it: every stack of that name.
    refreshArns: (r) => named(r, 'name', (n) => regional(r, 'cloudformation', `stack/${n}/*`)),
  },
  aws_cloudwatch_event_rule: {
    service: 'events',
    read: ['events:DescribeRule', 'events:ListTagsForResource'],
    write: [
      'events:PutRule',
      'events:DeleteRule',
      'events:EnableRule',
      'events:DisableRule',
      'events:TagResource',
      'events:UntagResource',
    ],
    readScope: 'regional',
    refreshArns: (r) => named(r, 'name', rule(r, r.literal('event_bus_name'))),
  },
  aws_cloudwatch_event_target: {
    service: 'events',
    read: ['events:ListTargetsByRule'],
    write: ['events:PutTargets', 'events:RemoveTargets'],
    readScope: 'regional',
    refreshArns: (r) => parent(r, 'rule', rule(r, r.literal('event_bus_name'))),
  },
  aws_cloudwatch_log_group: {
    service: 'logs',
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
    readScope: 'regional',
    // CloudWatch Logs authorizes the tagging calls on the group's ARN, and the others (ListTagsLogGroup)
    // on the ARN with ":*" after the name.
    refreshArns: (r) => {
      const name = r.literal('name');
      const arn = name === undefined ? r.reference('arn') : regional(r, 'logs', `log-group:${name}`);
      return [arn, `${arn}:*`];
    },
    protected: 'log group (session or function logs)',
  },
  aws_cloudwatch_metric_alarm: {
    service: 'cloudwatch',
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    write: [
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
    ],
    readScope: 'regional',
    // Metric alarms only: DescribeAlarms returns composite alarms only to a caller allowed it on "*".
    refreshArns: (r) => named(r, 'alarm_name', (n) => regional(r, 'cloudwatch', `alarm:${n}`)),
  },
  aws_iam_instance_profile: {
    service: 'iam',
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
    readScope: 'global',
    refreshArns: (r) => [
      ...named(r, 'name', (n) => iam(r, 'instance-profile', n, r.literal('path'))),
      // The provider reads the profile's role too.
      ...parent(r, 'role', role(r)),
    ],
  },
  // The GitHub OIDC provider and the CI policies belong to the CI roles: an administrator changes them.
  aws_iam_openid_connect_provider: {
    service: 'iam',
    read: ['iam:GetOpenIDConnectProvider'],
    write: [],
    readScope: 'global',
    refreshArns: (r) => named(r, 'url', (url) => iam(r, 'oidc-provider', url.replace(/^https:\/\//, ''))),
  },
  aws_iam_policy: {
    service: 'iam',
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
    write: [],
    readScope: 'global',
    refreshArns: (r) => named(r, 'name', (n) => iam(r, 'policy', n, r.literal('path'))),
    policies: [{ attribute: 'policy', label: 'managed policy', kind: 'identity', quota: POLICY_QUOTAS.managedPolicy }],
  },
  aws_iam_role: {
    service: 'iam',
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
    readScope: 'global',
    refreshArns: (r) => named(r, 'name', (n) => iam(r, 'role', n, r.literal('path'))),
    policies: [
      { attribute: 'assume_role_policy', label: 'trust policy', kind: 'trust', quota: POLICY_QUOTAS.trustPolicy },
    ],
  },
  aws_iam_role_policy: {
    service: 'iam',
    read: ['iam:GetRolePolicy'],
    write: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
    readScope: 'global',
    refreshArns: (r) => parent(r, 'role', role(r)),
    policies: [
      {
        attribute: 'policy',
        label: 'inline policy',
        kind: 'identity',
        quota: POLICY_QUOTAS.roleInlinePolicies,
        groupBy: 'role',
      },
    ],
  },
  aws_iam_role_policy_attachment: {
    service: 'iam',
    read: ['iam:ListAttachedRolePolicies'],
    write: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
    readScope: 'global',
    refreshArns: (r) => parent(r, 'role', role(r)),
  },
  aws_iam_saml_provider: {
    service: 'iam',
    read: ['iam:GetSAMLProvider'],
    write: [
      'iam:CreateSAMLProvider',
      'iam:UpdateSAMLProvider',
      'iam:DeleteSAMLProvider',
      'iam:TagSAMLProvider',
      'iam:UntagSAMLProvider',
    ],
    readScope: 'global',
    refreshArns: (r) => named(r, 'name', (n) => iam(r, 'saml-provider', n)),
    protected: 'SAML provider (federated sign-in stops)',
  },
  aws_kms_alias: {
    service: 'kms',
    read: ['kms:ListAliases'],
    write: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
    readScope: 'alias',
  },
  aws_kms_key: {
    service: 'kms',
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
    // Key ids exist only after apply: keys are read by the stack's aliases (see ReadScope).
    readScope: 'alias',
    policies: resourcePolicy('policy', 'key policy', POLICY_QUOTAS.kmsKeyPolicy),
    protected: 'KMS key (deleting it makes every transcript it encrypted unreadable)',
  },
  aws_lambda_function: {
    service: 'lambda',
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
    readScope: 'regional',
    refreshArns: (r) => named(r, 'function_name', fn(r)),
  },
  aws_lambda_function_event_invoke_config: {
    service: 'lambda',
    read: ['lambda:GetFunctionEventInvokeConfig'],
    write: [
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:UpdateFunctionEventInvokeConfig',
      'lambda:DeleteFunctionEventInvokeConfig',
    ],
    readScope: 'regional',
    refreshArns: (r) => parent(r, 'function_name', fn(r)),
  },
  aws_lambda_permission: {
    service: 'lambda',
    read: ['lambda:GetPolicy'],
    write: ['lambda:AddPermission', 'lambda:RemovePermission'],
    readScope: 'regional',
    refreshArns: (r) => parent(r, 'function_name', fn(r)),
  },
  aws_s3_bucket: {
    service: 's3',
    read: S3_BUCKET_READS,
    // No DeleteBucket: removing an audit bucket is an administrator's decision.
    write: ['s3:CreateBucket', 's3:PutBucketTagging', 's3:PutBucketObjectLockConfiguration'],
    readScope: 'global',
    refreshArns: (r) => named(r, 'bucket', bucket),
    protected: 'bucket (session transcripts or their access logs)',
  },
  aws_s3_bucket_lifecycle_configuration: bucketPart(['s3:GetLifecycleConfiguration'], ['s3:PutLifecycleConfiguration']),
  aws_s3_bucket_logging: bucketPart(['s3:GetBucketLogging'], ['s3:PutBucketLogging']),
  aws_s3_bucket_object_lock_configuration: bucketPart(
    ['s3:GetBucketObjectLockConfiguration'],
    ['s3:PutBucketObjectLockConfiguration'],
  ),
  aws_s3_bucket_ownership_controls: bucketPart(['s3:GetBucketOwnershipControls'], ['s3:PutBucketOwnershipControls']),
  aws_s3_bucket_policy: {
    ...bucketPart(['s3:GetBucketPolicy'], ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy']),
    policies: resourcePolicy('policy', 'bucket policy', POLICY_QUOTAS.s3BucketPolicy),
  },
  aws_s3_bucket_public_access_block: bucketPart(['s3:GetBucketPublicAccessBlock'], ['s3:PutBucketPublicAccessBlock']),
  aws_s3_bucket_server_side_encryption_configuration: bucketPart(
    ['s3:GetEncryptionConfiguration'],
    ['s3:PutEncryptionConfiguration'],
  ),
  aws_s3_bucket_versioning: bucketPart(['s3:GetBucketVersioning'], ['s3:PutBucketVersioning']),
  aws_security_group: {
    service: 'ec2',
    read: ['ec2:DescribeSecurityGroups'],
    write: [
      'ec2:CreateSecurityGroup',
      'ec2:DeleteSecurityGroup',
      // Terraform removes the default allow-all egress rule of a new group.
      'ec2:RevokeSecurityGroupEgress',
      'ec2:CreateTags',
      'ec2:DeleteTags',
    ],
    readScope: 'regional',
  },
  aws_sns_topic: {
    service: 'sns',
    read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
    write: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource'],
    readScope: 'regional',
    refreshArns: (r) => named(r, 'name', (n) => regional(r, 'sns', n)),
  },
  aws_sns_topic_policy: {
    service: 'sns',
    read: ['sns:GetTopicAttributes'],
    write: ['sns:SetTopicAttributes'],
    readScope: 'regional',
    refreshArns: (r) => parent(r, 'arn', (n) => regional(r, 'sns', n)),
    policies: resourcePolicy('policy', 'topic policy', POLICY_QUOTAS.snsTopicPolicy),
  },
  aws_sns_topic_subscription: {
    service: 'sns',
    read: ['sns:GetSubscriptionAttributes'],
    write: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes'],
    readScope: 'regional',
    // GetSubscriptionAttributes is authorized on the subscription's topic.
    refreshArns: (r) => parent(r, 'topic_arn', (n) => regional(r, 'sns', n)),
  },
  aws_sqs_queue: {
    service: 'sqs',
    read: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
    write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
    readScope: 'regional',
    refreshArns: (r) => named(r, 'name', (n) => regional(r, 'sqs', n)),
  },
  aws_sqs_queue_policy: {
    service: 'sqs',
    read: ['sqs:GetQueueAttributes'],
    write: ['sqs:SetQueueAttributes'],
    readScope: 'regional',
    // The queue URL ends with the queue's name.
    refreshArns: (r) => parent(r, 'queue_url', (url) => regional(r, 'sqs', url.replace(/^.*\//, ''))),
    policies: resourcePolicy('policy', 'queue policy', POLICY_QUOTAS.sqsQueuePolicy),
  },
  aws_ssm_document: {
    service: 'ssm',
    read: ['ssm:DescribeDocument', 'ssm:GetDocument', 'ssm:DescribeDocumentPermission', 'ssm:ListTagsForResource'],
    write: SSM_DOCUMENT_WRITES,
    readScope: 'regional',
    refreshArns: (r) => named(r, 'name', (n) => regional(r, 'ssm', `document/${n}`)),
    protected: 'Session Manager preferences document',
  },
  // Identity Center lives in the management (or delegated administrator) account.
  aws_ssoadmin_account_assignment: {
    service: 'sso',
    read: ['sso:ListAccountAssignments'],
    write: [],
    readScope: 'global',
    refreshArns: (r) => [...ic(r), ...parent(r, 'target_id', (account) => `arn:aws:sso:::account/${account}`)],
  },
  aws_ssoadmin_instance_access_control_attributes: {
    service: 'sso',
    read: ['sso:DescribeInstanceAccessControlAttributeConfiguration'],
    write: [],
    readScope: 'global',
    refreshArns: (r) => ic(r),
  },
  aws_ssoadmin_permission_set: {
    service: 'sso',
    read: ['sso:DescribePermissionSet', 'sso:ListTagsForResource'],
    write: [],
    readScope: 'global',
    refreshArns: (r) => [...ic(r), r.reference('arn')],
    protected: 'Identity Center permission set (access through it stops)',
  },
  aws_ssoadmin_permission_set_inline_policy: {
    service: 'sso',
    read: ['sso:GetInlinePolicyForPermissionSet'],
    write: [],
    readScope: 'global',
    refreshArns: (r) => ic(r),
    policies: [
      {
        attribute: 'inline_policy',
        label: 'permission set policy',
        kind: 'identity',
        quota: POLICY_QUOTAS.permissionSetInlinePolicy,
      },
    ],
  },
  aws_vpc_endpoint: {
    service: 'ec2',
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
    readScope: 'regional',
  },
  aws_vpc_security_group_ingress_rule: {
    service: 'ec2',
    read: ['ec2:DescribeSecurityGroupRules'],
    write: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:ModifySecurityGroupRules',
      'ec2:CreateTags',
      'ec2:DeleteTags',
    ],
    readScope: 'regional',
  },
};

/** The entry of a type, or undefined when the registry does not know it. */
export function resourceType(type: string): ResourceType | undefined {
  return Object.prototype.hasOwnProperty.call(RESOURCE_TYPES, type) ? RESOURCE_TYPES[type] : undefined;
}

/** The policy attributes of every type that has any: type -> attributes (derived from RESOURCE_TYPES). */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly PolicyAttribute[]>> = Object.fromEntries(
  Object.entries(RESOURCE_TYPES).flatMap(([type, entry]) => (entry.policies ? [[type, entry.policies]] : [])),
);

/** Types whose loss loses audit data or access: type -> what the review says (derived from RESOURCE_TYPES). */
export const PROTECTED_TYPES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(RESOURCE_TYPES).flatMap(([type, entry]) => (entry.protected ? [[type, entry.protected]] : [])),
);
