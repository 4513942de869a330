import type { AwsCall, AwsCallResult } from '../support/emulator';

/**
 * Where the local AWS API emulator (moto 5) is wrong or incomplete for what the stacks deploy. This
 * is the one list: each entry says what the emulator does, why real AWS behaves otherwise, and how
 * the suite copes, which is always a test-only patch of the emulator process
 * (test/deploy/moto_server.py), never a change to the product. `probe` is the evidence: run against
 * an emulator without the patch, it must show the gap (test/deploy/emulator-gaps.test.ts checks
 * this, so an entry that moto has fixed, or that was never a gap, fails and is removed).
 */
export interface EmulatorGap {
  /** The patch's name in test/deploy/moto_server.py. */
  readonly patch: string;
  /** The AWS API and the Terraform resource it shows up on. */
  readonly api: string;
  /** What the emulator does. */
  readonly emulator: string;
  /** What real AWS does, with the source. */
  readonly realAws: string;
  /** What the deploy would show without the patch. */
  readonly symptom: string;
  /** Calls that show the gap on an unpatched emulator, in the given region. */
  readonly probe: (region: string) => readonly AwsCall[];
  /** Whether the probe's results show the gap. */
  readonly shows: (results: readonly AwsCallResult[]) => boolean;
}

const PROBE_ACCOUNT = '123456789012';

/** A one-file zip (index.mjs), as bytes for boto3. */
const TINY_ZIP_BASE64 =
  'UEsDBBQAAAAAAAAAIQCGNixPJwAAACcAAAAJAAAAaW5kZXgubWpzZXhwb3J0IGNvbnN0IGhhbmRsZXIgPSBhc3luYyAoKSA9PiB7fTsKUEsBAhQDFAAAAAAAAAAhAIY2LE8nAAAAJwAAAAkAAAAAAAAAAAAAAIABAAAAAGluZGV4Lm1qc1BLBQYAAAAAAQABADcAAABOAAAAAAA=';

/** Identity Center's instance in the probe account, and a permission set in it (calls 0 and 1 of a probe). */
const ssoInstance = (region: string): AwsCall => ({ service: 'sso-admin', region, method: 'list_instances' });
const INSTANCE_ARN = { $result: [0, 'Instances', 0, 'InstanceArn'] };
const ssoPermissionSet = (region: string, name: string): AwsCall => ({
  service: 'sso-admin',
  region,
  method: 'create_permission_set',
  params: { InstanceArn: INSTANCE_ARN, Name: name, SessionDuration: 'PT1H', Tags: [{ Key: 'Probe', Value: 'yes' }] },
});
const PERMISSION_SET_ARN = { $result: [1, 'PermissionSet', 'PermissionSetArn'] };
/** A call moto has no handler for: HTTP 500 ("The ... action has not been implemented"). */
const notImplemented = (result: AwsCallResult) => !result.ok && result.error.status === 500;

export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    patch: 'put-bucket-logging-star-principal',
    api: 'S3 PutBucketLogging (aws_s3_bucket_logging)',
    emulator:
      'Answers HTTP 500 when the target bucket policy has any statement whose Principal is the string "*": ' +
      'its permission check reads every Principal as an object (`stmt.get("Principal", {}).get("Service")`).',
    realAws:
      'A Principal of "*" is valid policy grammar, and S3 only looks for a statement that grants ' +
      'logging.s3.amazonaws.com s3:PutObject (S3 User Guide, "Enabling Amazon S3 server access logging"). ' +
      "The access-log bucket's TLS-only Deny is such a statement.",
    symptom: 'the first apply fails on every environment with S3 logging: 500 InternalError on PutBucketLogging',
    probe: (region) => {
      const target = 'gap-probe-access-logs';
      const source = 'gap-probe-transcripts';
      const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } };
      return [
        { service: 's3', region, method: 'create_bucket', params: { Bucket: target, ...location } },
        { service: 's3', region, method: 'create_bucket', params: { Bucket: source, ...location } },
        {
          service: 's3',
          region,
          method: 'put_bucket_policy',
          params: {
            Bucket: target,
            Policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'DenyInsecureTransport',
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: [`arn:aws:s3:::${target}`, `arn:aws:s3:::${target}/*`],
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
                {
                  Sid: 'AllowServerAccessLogDelivery',
                  Effect: 'Allow',
                  Principal: { Service: 'logging.s3.amazonaws.com' },
                  Action: 's3:PutObject',
                  Resource: `arn:aws:s3:::${target}/${source}/*`,
                },
              ],
            }),
          },
        },
        {
          service: 's3',
          region,
          method: 'put_bucket_logging',
          params: {
            Bucket: source,
            BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: `${source}/` } },
          },
        },
      ];
    },
    shows: (results) => {
      const logging = results[3];
      return results.slice(0, 3).every((r) => r.ok) && !logging.ok && logging.error.status === 500;
    },
  },
  {
    patch: 's3-policy-secure-transport',
    api: 'S3 DeleteObjects and object requests on a bucket with a TLS-only bucket policy (aws_s3_bucket_policy)',
    emulator:
      'Evaluates the bucket policy for each DeleteObjects item (and object GET, PUT and DELETE) knowing only the ' +
      'StringEquals condition operator: any other operator matches, so the TLS-only Deny ' +
      '({"Bool": {"aws:SecureTransport": "false"}}) refuses every request, 200 with AccessDenied per key.',
    realAws:
      'aws:SecureTransport is true for requests over TLS, so the Deny does not apply to them (IAM User Guide, ' +
      'AWS global condition context keys, aws:SecureTransport); the provider and the AWS CLI use HTTPS. The ' +
      'patch leaves out the statements that apply only to requests without TLS; other statements are evaluated ' +
      'as moto does.',
    symptom:
      'emptying an audit bucket before the destroy deletes nothing (every key AccessDenied), so the destroy refuses it ' +
      '(BucketNotEmpty) until it has deleted the bucket policy itself',
    probe: (region) => {
      const bucket = `gap-probe-tls-only-${region}`;
      const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } };
      return [
        { service: 's3', region, method: 'create_bucket', params: { Bucket: bucket, ...location } },
        { service: 's3', region, method: 'put_object', params: { Bucket: bucket, Key: 'probe', Body: 'probe' } },
        {
          service: 's3',
          region,
          method: 'put_bucket_policy',
          params: {
            Bucket: bucket,
            Policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'DenyInsecureTransport',
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ],
            }),
          },
        },
        {
          service: 's3',
          region,
          method: 'delete_objects',
          params: { Bucket: bucket, Delete: { Objects: [{ Key: 'probe' }] } },
        },
      ];
    },
    shows: (results) =>
      results.every((r) => r.ok) &&
      results[3].ok &&
      ((results[3].result.Errors as { Code: string }[] | undefined) ?? []).some((e) => e.Code === 'AccessDenied'),
  },
  {
    patch: 's3-access-log-delivery',
    api: 'S3 server access logging (aws_s3_bucket_logging), then DeleteBucket of the access-log bucket',
    emulator:
      'Writes each access log record into the target bucket at the start of the request it records, the ' +
      'request that turns logging off included.',
    realAws:
      'Server access log records are delivered on a best-effort basis, most within a few hours of the request ' +
      '(S3 User Guide, "Logging requests with server access logging", Best-effort server log delivery). The ' +
      'patch keeps the records and delivers them when POST /moto-api/s3/deliver-access-logs asks; the suite ' +
      "asks after the read-back, so the deploy's records are delivered and emptied as an operator would.",
    symptom:
      "every destroy refuses to delete the access-log bucket (BucketNotEmpty) with records of the destroy's own " +
      'requests, so it has to be emptied and destroyed a second time',
    probe: (region) => {
      // Bucket names are global: one pair per region, so the probe can run in several regions.
      const target = `gap-probe-delivery-logs-${region}`;
      const source = `gap-probe-delivery-source-${region}`;
      const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } };
      return [
        { service: 's3', region, method: 'create_bucket', params: { Bucket: target, ...location } },
        { service: 's3', region, method: 'create_bucket', params: { Bucket: source, ...location } },
        {
          service: 's3',
          region,
          method: 'put_bucket_policy',
          params: {
            Bucket: target,
            Policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'AllowServerAccessLogDelivery',
                  Effect: 'Allow',
                  Principal: { Service: 'logging.s3.amazonaws.com' },
                  Action: 's3:PutObject',
                  Resource: `arn:aws:s3:::${target}/${source}/*`,
                },
              ],
            }),
          },
        },
        {
          service: 's3',
          region,
          method: 'put_bucket_logging',
          params: {
            Bucket: source,
            BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: `${source}/` } },
          },
        },
        { service: 's3', region, method: 'get_bucket_location', params: { Bucket: source } },
        { service: 's3', region, method: 'list_objects_v2', params: { Bucket: target } },
      ];
    },
    shows: (results) => results.every((r) => r.ok) && results[5].ok && Number(results[5].result.KeyCount) > 0,
  },
  {
    patch: 'saml-provider-tags',
    api: 'IAM CreateSAMLProvider / GetSAMLProvider (aws_iam_saml_provider)',
    emulator: 'Drops the Tags of CreateSAMLProvider and returns no Tags from GetSAMLProvider.',
    realAws:
      'CreateSAMLProvider takes Tags and GetSAMLProvider returns them (IAM API Reference, CreateSAMLProvider, ' +
      'GetSAMLProvider: "Tags: A list of tags that are attached to the specified IAM SAML provider").',
    symptom:
      "every plan after the first shows the provider's default tags being added (`tags_all`) to the SAML provider",
    probe: (region) => [
      {
        service: 'iam',
        region,
        method: 'create_saml_provider',
        params: { Name: 'GapProbe', SAMLMetadataDocument: 'x'.repeat(1000), Tags: [{ Key: 'Probe', Value: 'yes' }] },
      },
      {
        service: 'iam',
        region,
        method: 'get_saml_provider',
        params: { SAMLProviderArn: `arn:aws:iam::${PROBE_ACCOUNT}:saml-provider/GapProbe` },
      },
    ],
    shows: (results) => results[0].ok && results[1].ok && results[1].result.Tags === undefined,
  },
  {
    patch: 'lambda-logging-config',
    api: 'Lambda CreateFunction / GetFunction (aws_lambda_function logging_config)',
    emulator: "Ignores a function's LoggingConfig and returns none from GetFunction or GetFunctionConfiguration.",
    realAws:
      'CreateFunction takes LoggingConfig (LogFormat, LogGroup, ApplicationLogLevel, SystemLogLevel) and ' +
      'GetFunctionConfiguration returns it (Lambda API Reference, FunctionConfiguration.LoggingConfig).',
    symptom: 'every plan after the first updates the launch tagger in place to add `logging_config` again',
    probe: (region) => [
      {
        service: 'iam',
        region,
        method: 'create_role',
        params: { RoleName: 'gap-probe', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' },
      },
      {
        service: 'lambda',
        region,
        method: 'create_function',
        params: {
          FunctionName: 'gap-probe',
          Role: `arn:aws:iam::${PROBE_ACCOUNT}:role/gap-probe`,
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Code: { ZipFile: { $base64: TINY_ZIP_BASE64 } },
          LoggingConfig: { LogFormat: 'JSON', LogGroup: '/aws/lambda/gap-probe' },
        },
      },
      { service: 'lambda', region, method: 'get_function_configuration', params: { FunctionName: 'gap-probe' } },
    ],
    shows: (results) => results.every((r) => r.ok) && results[2].ok && results[2].result.LoggingConfig === undefined,
  },
  {
    patch: 'jitna-document-types',
    api: 'SSM CreateDocument, CloudFormation AWS::SSM::Document (JustInTimeApprovalPolicies)',
    emulator:
      'Answers "ValidationException: Invalid document type" for AutoApprovalPolicy and ManualApprovalPolicy, ' +
      'directly and inside a CloudFormation stack; its type list stops at ChangeCalendar.',
    realAws:
      'Both are document types of just-in-time node access (SSM API Reference, CreateDocument: DocumentType ' +
      '"ManualApprovalPolicy | AutoApprovalPolicy"), and DescribeDocumentPermission is refused for them ' +
      '(InvalidDocumentOperation, hashicorp/terraform-provider-aws#45569); the patch refuses it the same way.',
    symptom: "the approval policies' CloudFormation stack fails to create: Invalid document type AutoApprovalPolicy",
    probe: (region) => [
      {
        service: 'ssm',
        region,
        method: 'create_document',
        params: {
          Name: 'gap-probe-manual-approval',
          DocumentType: 'ManualApprovalPolicy',
          DocumentFormat: 'YAML',
          Content: "schemaVersion: '0.3'\ndescription: probe\nmainSteps: []\n",
        },
      },
    ],
    shows: (results) =>
      !results[0].ok &&
      results[0].error.code === 'ValidationException' &&
      /Invalid document type/.test(results[0].error.message),
  },
  {
    patch: 'cloudformation-ssm-document-content',
    api: 'CloudFormation AWS::SSM::Document with Content as an object, then SSM DescribeDocument',
    emulator:
      "Stores the template's Content object as the document's content, so DescribeDocument fails with HTTP 500 " +
      "('dict' object has no attribute 'encode').",
    realAws:
      'Content is "Json" in the template (CloudFormation Template Reference, AWS::SSM::Document), and the ' +
      "document holds it in its DocumentFormat; AWS's own just-in-time samples write it as an object.",
    symptom: 'reading the deployed approval documents back fails with HTTP 500',
    probe: (region) => [
      {
        service: 'cloudformation',
        region,
        method: 'create_stack',
        params: {
          StackName: 'gap-probe-document-content',
          TemplateBody: JSON.stringify({
            AWSTemplateFormatVersion: '2010-09-09',
            Resources: {
              Document: {
                Type: 'AWS::SSM::Document',
                Properties: {
                  Name: 'gap-probe-object-content',
                  DocumentType: 'Automation',
                  DocumentFormat: 'YAML',
                  Content: { schemaVersion: '0.3', description: 'probe', mainSteps: [] },
                },
              },
            },
          }),
        },
      },
      { service: 'ssm', region, method: 'describe_document', params: { Name: 'gap-probe-object-content' } },
    ],
    shows: (results) => results[0].ok && !results[1].ok && results[1].error.status === 500,
  },
  {
    patch: 'ssoadmin-tags',
    api: 'SSO Admin ListTagsForResource / TagResource / UntagResource (aws_ssoadmin_permission_set)',
    emulator:
      'Keeps the Tags of CreatePermissionSet but has no ListTagsForResource, TagResource or UntagResource: ' +
      'HTTP 500 ("The list_tags_for_resource action has not been implemented").',
    realAws:
      "ListTagsForResource takes InstanceArn and ResourceArn and returns the permission set's Tags " +
      '(IAM Identity Center API Reference, ListTagsForResource, TagResource, UntagResource).',
    symptom: 'the first apply fails reading the permission set back: listing tags for SSO Permission Set, 500',
    probe: (region) => [
      ssoInstance(region),
      ssoPermissionSet(region, 'GapProbeTags'),
      {
        service: 'sso-admin',
        region,
        method: 'list_tags_for_resource',
        params: { InstanceArn: INSTANCE_ARN, ResourceArn: PERMISSION_SET_ARN },
      },
    ],
    shows: (results) => results[0].ok && results[1].ok && notImplemented(results[2]),
  },
  {
    patch: 'ssoadmin-access-control-attributes',
    api: 'SSO Admin Create/Describe/Update/DeleteInstanceAccessControlAttributeConfiguration (aws_ssoadmin_instance_access_control_attributes)',
    emulator: 'Has none of the four calls: HTTP 500 ("... action has not been implemented").',
    realAws:
      'CreateInstanceAccessControlAttributeConfiguration enables attribute-based access control on the instance ' +
      'with the given attributes, and DescribeInstanceAccessControlAttributeConfiguration returns them with a ' +
      'Status (ENABLED, CREATION_IN_PROGRESS, CREATION_FAILED); Update replaces them and Delete removes them ' +
      '(IAM Identity Center API Reference, the four calls).',
    symptom: 'the first apply fails creating the access control attributes (SSMSessionRunAs, AppId, ...): 500',
    probe: (region) => [
      ssoInstance(region),
      {
        service: 'sso-admin',
        region,
        method: 'create_instance_access_control_attribute_configuration',
        params: {
          InstanceArn: INSTANCE_ARN,
          InstanceAccessControlAttributeConfiguration: {
            AccessControlAttributes: [{ Key: 'SSMSessionRunAs', Value: { Source: ['${path:userName}'] } }],
          },
        },
      },
      {
        service: 'sso-admin',
        region,
        method: 'describe_instance_access_control_attribute_configuration',
        params: { InstanceArn: INSTANCE_ARN },
      },
    ],
    shows: (results) => results[0].ok && notImplemented(results[1]) && notImplemented(results[2]),
  },
  {
    patch: 'ssoadmin-provisioning-status',
    api: 'SSO Admin DescribePermissionSetProvisioningStatus (aws_ssoadmin_permission_set_inline_policy)',
    emulator:
      'ProvisionPermissionSet answers with a RequestId, but DescribePermissionSetProvisioningStatus is not ' +
      'there to follow it: HTTP 500 ("... action has not been implemented").',
    realAws:
      "Provisioning is asynchronous: DescribePermissionSetProvisioningStatus returns the request's Status " +
      '(IN_PROGRESS, FAILED, SUCCEEDED), and the provider waits on it after every inline policy change ' +
      '(IAM Identity Center API Reference, ProvisionPermissionSet, DescribePermissionSetProvisioningStatus).',
    symptom: "the first apply fails waiting for the inline policy's provisioning: 500",
    probe: (region) => [
      ssoInstance(region),
      ssoPermissionSet(region, 'GapProbeProvisioning'),
      {
        service: 'sso-admin',
        region,
        method: 'provision_permission_set',
        params: {
          InstanceArn: INSTANCE_ARN,
          PermissionSetArn: PERMISSION_SET_ARN,
          TargetType: 'ALL_PROVISIONED_ACCOUNTS',
        },
      },
      {
        service: 'sso-admin',
        region,
        method: 'describe_permission_set_provisioning_status',
        params: {
          InstanceArn: INSTANCE_ARN,
          ProvisionPermissionSetRequestId: { $result: [2, 'PermissionSetProvisioningStatus', 'RequestId'] },
        },
      },
    ],
    shows: (results) => results.slice(0, 3).every((r) => r.ok) && notImplemented(results[3]),
  },
];

/** The patches the deploy suite starts the emulator with: one per listed gap. */
export const EMULATOR_PATCHES: readonly string[] = EMULATOR_GAPS.map((gap) => gap.patch);

/** The account the probes run in (the emulator's default when it is started for them). */
export const GAP_PROBE_ACCOUNT = PROBE_ACCOUNT;
