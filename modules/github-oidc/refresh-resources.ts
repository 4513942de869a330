import { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { TERRAFORM_RESOURCE_ACTIONS } from './terraform-actions';

/**
 * The resources a `terraform plan` refresh reads, as the ARNs IAM authorizes those reads on, so
 * that the plan role reads the configuration of the stack's own roles, buckets, keys, groups,
 * queues, functions, rules, alarms and documents, and of nothing else in the account.
 * Internal to github-oidc.
 */

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

/**
 * How the reads of a service are scoped: `exact` ARNs (IAM and S3 have no region in their ARNs,
 * KMS keys are named by Terraform reference, Identity Center ARNs are global), or `regional`
 * ARNs written with `*` for the region, which the statement's `aws:RequestedRegion` condition
 * limits to the stack's regions (one ARN per name instead of one per name and region).
 */
export const READ_SCOPE_OF_SERVICE: Readonly<Record<string, 'exact' | 'regional'>> = {
  iam: 'exact',
  s3: 'exact',
  kms: 'exact',
  sso: 'exact',
  cloudformation: 'regional',
  cloudwatch: 'regional',
  events: 'regional',
  lambda: 'regional',
  logs: 'regional',
  sqs: 'regional',
  sns: 'regional',
  ssm: 'regional',
};

/** A resource of the stack, as an ARN builder sees it. */
export interface ResourceUnderRead {
  /** The attribute's value when it is known at synth time; undefined for a reference or when unset. */
  literal(attribute: string): string | undefined;
  /** A Terraform reference to one of the resource's attributes (resolved at apply time). */
  reference(attribute: string): string;
  readonly accountId: string;
}

type ArnsOf = (r: ResourceUnderRead) => readonly string[];

const iam = (r: ResourceUnderRead, kind: string, name: string, path = '/') =>
  `arn:aws:iam::${r.accountId}:${kind}${path}${name}`;
/** A regional ARN with `*` for the region (see READ_SCOPE_OF_SERVICE). */
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

/**
 * Terraform resource type -> the ARNs its refresh reads are authorized on. A type whose reads
 * all lack resource types (READS_WITHOUT_RESOURCE_TYPES) has none. Sorted by type; keep it so.
 */
export const REFRESH_ARNS: Readonly<Record<string, ArnsOf>> = {
  // A stack's ARN ends with an id CloudFormation gives it: every stack of that name.
  aws_cloudformation_stack: (r) => named(r, 'name', (n) => regional(r, 'cloudformation', `stack/${n}/*`)),
  aws_cloudwatch_event_rule: (r) => named(r, 'name', rule(r, r.literal('event_bus_name'))),
  aws_cloudwatch_event_target: (r) => parent(r, 'rule', rule(r, r.literal('event_bus_name'))),
  // CloudWatch Logs authorizes the tagging calls on the group's ARN, and the others (ListTagsLogGroup)
  // on the ARN with ":*" after the name.
  aws_cloudwatch_log_group: (r) => {
    const name = r.literal('name');
    const arn = name === undefined ? r.reference('arn') : regional(r, 'logs', `log-group:${name}`);
    return [arn, `${arn}:*`];
  },
  // Metric alarms only: DescribeAlarms returns composite alarms only to a caller allowed it on "*".
  aws_cloudwatch_metric_alarm: (r) => named(r, 'alarm_name', (n) => regional(r, 'cloudwatch', `alarm:${n}`)),
  aws_iam_instance_profile: (r) => [
    ...named(r, 'name', (n) => iam(r, 'instance-profile', n, r.literal('path'))),
    // The provider reads the profile's role too.
    ...parent(r, 'role', role(r)),
  ],
  aws_iam_openid_connect_provider: (r) =>
    named(r, 'url', (url) => iam(r, 'oidc-provider', url.replace(/^https:\/\//, ''))),
  aws_iam_policy: (r) => named(r, 'name', (n) => iam(r, 'policy', n, r.literal('path'))),
  aws_iam_role: (r) => named(r, 'name', (n) => iam(r, 'role', n, r.literal('path'))),
  aws_iam_role_policy: (r) => parent(r, 'role', role(r)),
  aws_iam_role_policy_attachment: (r) => parent(r, 'role', role(r)),
  aws_iam_saml_provider: (r) => named(r, 'name', (n) => iam(r, 'saml-provider', n)),
  // Key ids exist only after apply: each key by reference to its ARN.
  aws_kms_key: (r) => [r.reference('arn')],
  aws_lambda_function: (r) => named(r, 'function_name', fn(r)),
  aws_lambda_function_event_invoke_config: (r) => parent(r, 'function_name', fn(r)),
  aws_lambda_permission: (r) => parent(r, 'function_name', fn(r)),
  aws_s3_bucket: (r) => named(r, 'bucket', bucket),
  aws_s3_bucket_lifecycle_configuration: (r) => parent(r, 'bucket', bucket),
  aws_s3_bucket_logging: (r) => parent(r, 'bucket', bucket),
  aws_s3_bucket_object_lock_configuration: (r) => parent(r, 'bucket', bucket),
  aws_s3_bucket_ownership_controls: (r) => parent(r, 'bucket', bucket),
  aws_s3_bucket_policy: (r) => parent(r, 'bucket', bucket),
  aws_s3_bucket_public_access_block: (r) => parent(r, 'bucket', bucket),
  aws_s3_bucket_server_side_encryption_configuration: (r) => parent(r, 'bucket', bucket),
  aws_s3_bucket_versioning: (r) => parent(r, 'bucket', bucket),
  aws_sns_topic: (r) => named(r, 'name', (n) => regional(r, 'sns', n)),
  aws_sns_topic_policy: (r) => parent(r, 'arn', (n) => regional(r, 'sns', n)),
  // GetSubscriptionAttributes is authorized on the subscription's topic.
  aws_sns_topic_subscription: (r) => parent(r, 'topic_arn', (n) => regional(r, 'sns', n)),
  aws_sqs_queue: (r) => named(r, 'name', (n) => regional(r, 'sqs', n)),
  // The queue URL ends with the queue's name.
  aws_sqs_queue_policy: (r) => parent(r, 'queue_url', (url) => regional(r, 'sqs', url.replace(/^.*\//, ''))),
  aws_ssm_document: (r) => named(r, 'name', (n) => regional(r, 'ssm', `document/${n}`)),
  aws_ssoadmin_account_assignment: (r) => [
    ...ic(r),
    ...parent(r, 'target_id', (account) => `arn:aws:sso:::account/${account}`),
  ],
  aws_ssoadmin_instance_access_control_attributes: (r) => ic(r),
  aws_ssoadmin_permission_set: (r) => [...ic(r), r.reference('arn')],
  aws_ssoadmin_permission_set_inline_policy: (r) => ic(r),
};

/** The ARNs the refresh reads of the stack's resources are authorized on, by how they are scoped. */
export interface RefreshResources {
  /** Roles, instance profiles, policies, providers, buckets, keys and Identity Center resources. */
  readonly exact: readonly string[];
  /** Log groups, queues, functions, rules, alarms and documents, with `*` for the region. */
  readonly regional: readonly string[];
}

const isLiteral = (value: unknown): value is string => typeof value === 'string' && !value.includes('${');

/** The refresh ARNs of every resource under `scope`, sorted and without duplicates. */
export function refreshResourcesIn(scope: IConstruct, accountId: string): RefreshResources {
  const exact = new Set<string>();
  const regionalArns = new Set<string>();
  for (const construct of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(construct)) continue;
    const resource = construct as TerraformResource;
    const arnsOf = REFRESH_ARNS[resource.terraformResourceType];
    if (!arnsOf) continue;
    const tf = resource.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
    const attributes = Object.values(tf.resource?.[resource.terraformResourceType] ?? {})[0] ?? {};
    const arns = arnsOf({
      literal: (attribute) => (isLiteral(attributes[attribute]) ? (attributes[attribute] as string) : undefined),
      reference: (attribute) => resource.getStringAttribute(attribute),
      accountId,
    });
    // The ARNs go with the reads of the type (a reference, which carries its region, too).
    const service = TERRAFORM_RESOURCE_ACTIONS[resource.terraformResourceType]?.read[0]?.split(':')[0] ?? '';
    for (const arn of arns) (READ_SCOPE_OF_SERVICE[service] === 'regional' ? regionalArns : exact).add(arn);
  }
  return { exact: [...exact].sort(), regional: [...regionalArns].sort() };
}
