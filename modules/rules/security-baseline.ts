import type { RulePack } from './rule';
import { iamNoAdminActions } from './iam-no-admin-actions';
import { iamNoAdminManagedPolicies } from './iam-no-admin-managed-policies';
import { iamNoRestrictableActionsOnStar } from './iam-no-restrictable-actions-on-star';
import { iamRolesBoundedWhereCiDeploys } from './iam-roles-bounded-where-ci-deploys';
import { kmsKeyPolicyForAccount } from './kms-key-policy-for-account';
import { kmsKeyRotation } from './kms-key-rotation';
import { logGroupEncrypted } from './log-group-encrypted';
import { logGroupKeyAllowsLogs } from './log-group-key-allows-logs';
import { logGroupRetention } from './log-group-retention';
import { s3BucketAccessLogged } from './s3-bucket-access-logged';
import { s3BucketAclsDisabled } from './s3-bucket-acls-disabled';
import { s3BucketEncrypted } from './s3-bucket-encrypted';
import { s3BucketLifecycle } from './s3-bucket-lifecycle';
import { s3BucketNoForceDestroy } from './s3-bucket-no-force-destroy';
import { s3BucketPublicAccessBlocked } from './s3-bucket-public-access-blocked';
import { s3BucketTlsOnly } from './s3-bucket-tls-only';
import { s3BucketVersioned } from './s3-bucket-versioned';
import { sessionDocumentEncrypted } from './session-document-encrypted';
import { sessionDocumentJsonBooleans } from './session-document-json-booleans';
import { sessionDocumentLogged } from './session-document-logged';
import { sqsQueueEncrypted } from './sqs-queue-encrypted';

/**
 * The security baseline this library's stacks meet, as a rule pack any stack can be checked
 * against: audit data encrypted, kept and private; sessions encrypted and logged; no role that
 * administers the account; no action on `"*"` that IAM could scope. Ids are stable: a rule that
 * changes meaning gets a new id.
 */
export const SECURITY_BASELINE: RulePack = {
  name: 'ssm-federated-access security baseline',
  rules: [
    {
      id: 'SFA-KMS1',
      level: 'error',
      description: 'KMS keys rotate their key material.',
      explanation: 'Set enable_key_rotation = true: AWS rotates the key material every year.',
      rule: kmsKeyRotation,
    },
    {
      id: 'SFA-KMS2',
      level: 'error',
      description: "KMS keys have a key policy that lets the account's IAM policies grant use.",
      explanation:
        'Without an Allow for the account root, IAM policies cannot grant use of the key and nobody can manage it if its named admins go. Add the statement to the key policy.',
      rule: kmsKeyPolicyForAccount,
    },
    {
      id: 'SFA-CWL1',
      level: 'error',
      description: 'Log groups keep events at least a year, with a retention CloudWatch Logs accepts.',
      explanation:
        'Session logs are audit records. Set retention_in_days to 365 or more (one of the values CloudWatch Logs accepts); no retention keeps them forever, unbudgeted.',
      rule: logGroupRetention,
    },
    {
      id: 'SFA-CWL2',
      level: 'error',
      description: 'Log groups are encrypted with a KMS key.',
      explanation: 'Set kms_key_id to a customer managed key, so who reads the logs is decided by the key policy too.',
      rule: logGroupEncrypted,
    },
    {
      id: 'SFA-CWL3',
      level: 'error',
      description: "A log group's key of the same stack lets CloudWatch Logs use it for that log group.",
      explanation:
        'Add a statement for logs.<region>.amazonaws.com with the condition ArnEquals kms:EncryptionContext:aws:logs:arn naming the log group; otherwise creating the log group fails.',
      rule: logGroupKeyAllowsLogs,
    },
    {
      id: 'SFA-SSM1',
      level: 'error',
      description: 'Shell sessions, and what they log, are encrypted.',
      explanation:
        'Set kmsKeyId, and s3EncryptionEnabled and cloudWatchEncryptionEnabled to the JSON boolean true, in the Session document.',
      rule: sessionDocumentEncrypted,
    },
    {
      id: 'SFA-SSM2',
      level: 'error',
      description: "Shell sessions are logged, to S3 or to a log group of the stack in the document's region.",
      explanation:
        'Set s3BucketName or cloudWatchLogGroupName in the Session document, naming storage this stack manages.',
      rule: sessionDocumentLogged,
    },
    {
      id: 'SFA-SSM3',
      level: 'error',
      description: 'Session document switches are JSON booleans.',
      explanation:
        'Session Manager does not read the string "true" as true: write cloudWatchStreamingEnabled and runAsEnabled as true or false.',
      rule: sessionDocumentJsonBooleans,
    },
    {
      id: 'SFA-S1',
      level: 'error',
      description: 'Buckets block public access in all four ways.',
      explanation: 'Add an aws_s3_bucket_public_access_block with all four settings true.',
      rule: s3BucketPublicAccessBlocked,
    },
    {
      id: 'SFA-S2',
      level: 'error',
      description: 'Buckets are versioned.',
      explanation:
        'Add an aws_s3_bucket_versioning with status Enabled, so overwritten or deleted logs can be recovered.',
      rule: s3BucketVersioned,
    },
    {
      id: 'SFA-S3',
      level: 'error',
      description: 'Buckets disable ACLs.',
      explanation: 'Add an aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced.',
      rule: s3BucketAclsDisabled,
    },
    {
      id: 'SFA-S4',
      level: 'error',
      description: 'Buckets expire objects and abort incomplete multipart uploads.',
      explanation:
        'Add an enabled lifecycle rule with an expiration in days and one with abort_incomplete_multipart_upload.',
      rule: s3BucketLifecycle,
    },
    {
      id: 'SFA-S5',
      level: 'error',
      description: 'Buckets deny requests made without TLS.',
      explanation: 'Add a bucket policy statement that denies s3:* to "*" when aws:SecureTransport is "false".',
      rule: s3BucketTlsOnly,
    },
    {
      id: 'SFA-S6',
      level: 'error',
      description: 'Buckets are encrypted with a KMS key; a bucket that receives server access logs uses SSE-S3.',
      explanation:
        'Set the default encryption to aws:kms with a key. S3 server access logging supports only SSE-S3 (AES256) on its target bucket, so that bucket uses AES256 instead.',
      rule: s3BucketEncrypted,
    },
    {
      id: 'SFA-S7',
      level: 'error',
      description: 'Buckets log their access; a bucket that receives server access logs does not log its own.',
      explanation: 'Add an aws_s3_bucket_logging that delivers to a separate access-log bucket.',
      rule: s3BucketAccessLogged,
    },
    {
      id: 'SFA-S8',
      level: 'error',
      description: 'Buckets do not set force_destroy.',
      explanation: 'force_destroy lets terraform destroy delete every object, audit logs included. Remove it.',
      rule: s3BucketNoForceDestroy,
    },
    {
      id: 'SFA-SQS1',
      level: 'error',
      description: 'Queues are encrypted.',
      explanation: 'Set kms_master_key_id, or sqs_managed_sse_enabled = true.',
      rule: sqsQueueEncrypted,
    },
    {
      id: 'SFA-IAM1',
      level: 'error',
      description: 'No role gets AdministratorAccess, PowerUserAccess or IAMFullAccess.',
      explanation: 'Grant the actions the role needs, on the resources it needs them for.',
      rule: iamNoAdminManagedPolicies,
    },
    {
      id: 'SFA-IAM2',
      level: 'error',
      description: 'No role policy allows "*" or "iam:*".',
      explanation: 'List the actions the role needs: either wildcard lets the role administer the account.',
      rule: iamNoAdminActions,
    },
    {
      id: 'SFA-IAM3',
      level: 'error',
      description: 'Where CI deploys the stack, every role carries a permissions boundary.',
      explanation:
        'Set permissions_boundary on every role, so a role the deploy role creates cannot do more than the boundary allows.',
      rule: iamRolesBoundedWhereCiDeploys,
    },
    {
      id: 'SFA-IAM4',
      level: 'error',
      description: 'No role policy allows, on "*", an action IAM can scope to resources (as CKV_AWS_355).',
      explanation:
        'Name the resources by ARN. Keep "*" only for actions without a resource type; an action the table does not know on "*" is reported until it is scoped, or suppressed with the reason.',
      rule: iamNoRestrictableActionsOnStar,
    },
  ],
};
