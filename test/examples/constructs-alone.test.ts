import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import type { IConstruct } from 'constructs';
import { loadEnvironment } from '../../environments';
import { example } from '../../environments/example';
import {
  IdentityCenterPermissionSet,
  LaunchTagger,
  ManagedInstanceRole,
  SamlFederation,
  SessionAccessPolicy,
  SessionAuditLogs,
} from '../../modules';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { sessionKeyPolicy } from '../../modules/session-audit-logs/session-audit-logs';
import { synthStack } from '../support/construct-synth';
import { validated } from '../support/validation';
import { decide } from '../support/iam';
import { policyAt, readResolvedPolicy } from '../support/policies';

/**
 * The constructs composed the way a platform team does in its own app, with the defaults, and
 * none of the help the environment stacks give them: each case is a trap such a team met.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const metadataXml = readFileSync(join(__dirname, '..', '..', 'examples', 'consumer-app', 'idp-metadata.xml'), 'utf8');

function consumerStack(): { stack: TerraformStack; provider: AwsProvider } {
  const stack = new TerraformStack(Testing.app(), 'platform');
  const provider = new AwsProvider(stack, 'aws', { region: REGION, allowedAccountIds: [ACCOUNT] });
  return { stack, provider };
}

const fullAwsAccess: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }],
};

describe('the ownership-tag SCP and the launch tagger, both with their defaults', () => {
  const { stack, provider } = consumerStack();
  const federation = new SamlFederation(stack, 'federation', {
    accountId: ACCOUNT,
    providerName: 'CorpIdp',
    metadataXml,
    roleName: 'PlatformShell',
  });
  const access = new SessionAccessPolicy(stack, 'access', {
    accountId: ACCOUNT,
    regions: [REGION],
    environment: 'platform',
  });
  access.attachToRole(federation.role);
  new TerraformOutput(stack, 'ownership_tag_scp_json', { value: access.scpJson });
  // Created after the policy, with the default name: the SCP still has to exempt it.
  const tagger = new LaunchTagger(stack, 'tagger', {
    provider,
    accountId: ACCOUNT,
    region: REGION,
    federation,
  });
  const synthesized = synthStack(stack);
  const taggerRoleName = synthesized.json.resource.aws_iam_role[
    Object.keys(synthesized.json.resource.aws_iam_role).find((k) => k.startsWith('tagger_role'))!
  ].name as string;

  const writeOwner = (roleName: string) =>
    decide({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/session`,
        action: 'ec2:CreateTags',
        resource: { resource: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`, accountId: ACCOUNT },
        contextVariables: {
          'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
          'aws:TagKeys': ['AwsUserId'],
          'aws:RequestTag/AwsUserId': 'AROAEXAMPLEFEDERATED:alice',
        },
      },
      identityPolicies: [{ name: 'ec2', policy: fullAwsAccess }],
      serviceControlPolicies: [
        { orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: fullAwsAccess }] },
        {
          orgIdentifier: ACCOUNT,
          policies: [
            { name: 'FullAWSAccess', policy: fullAwsAccess },
            // As the output hands it to the management account.
            {
              name: 'OwnershipTag',
              policy: readResolvedPolicy(synthesized, synthesized.json.output.ownership_tag_scp_json.value),
            },
          ],
        },
      ],
      resourceControlPolicies: [],
    });

  it("lets the tagger's own role write AwsUserId", async () => {
    expect(taggerRoleName).toBe(`${tagger.name}-${REGION}`);
    await expect(writeOwner(taggerRoleName)).resolves.toBe('Allowed');
  });

  it('still denies every other role', async () => {
    await expect(writeOwner('PlatformShell')).resolves.toBe('ExplicitlyDenied');
    await expect(writeOwner(`platform-launch-tagger-${REGION}`)).resolves.toBe('ExplicitlyDenied');
  });

  it('an explicit launchTaggerName wins over the stack lookup', () => {
    const { stack: other, provider: otherProvider } = consumerStack();
    const named = new SessionAccessPolicy(other, 'access', {
      accountId: ACCOUNT,
      regions: [REGION],
      environment: 'platform',
      launchTaggerName: 'central-tagger',
    });
    new LaunchTagger(other, 'tagger', {
      provider: otherProvider,
      accountId: ACCOUNT,
      region: REGION,
      permissionSet: new IdentityCenterPermissionSet(other, 'permission-set', {
        instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
        permissionSetName: 'Shell',
        sessionAccessPolicy: named,
        accountId: ACCOUNT,
      }),
    });
    expect(named.launchTaggerRoleNames()).toEqual([`central-tagger-${REGION}`]);
  });
});

describe('a central transcript bucket with its own key, and the instance role', () => {
  const CENTRAL_KEY = 'arn:aws:kms:eu-west-1:999999999999:key/11111111-2222-3333-4444-555555555555';
  const { stack, provider } = consumerStack();
  const logs = new SessionAuditLogs(stack, 'audit-logs', {
    provider,
    region: REGION,
    accountId: ACCOUNT,
    environmentName: 'platform',
    centralBucketName: 'org-session-transcripts',
    centralBucketKmsKeyArn: CENTRAL_KEY,
  });
  new ManagedInstanceRole(stack, 'instances', {
    accountId: ACCOUNT,
    regions: [REGION],
    roleName: 'platform-ssm-instance',
    logDestinations: [logs.destination],
  });
  const synthesized = synthStack(stack);
  const instancePolicy = policyAt(synthesized, 'aws_iam_role_policy', 'instances/policy');

  // The log-archive account's key policy lets this account's IAM policies decide (the usual set-up).
  const centralKeyPolicy: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'MemberAccountsUploadTranscripts',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
      },
    ],
  };
  const agent = (action: string, resource: string, context: Record<string, string> = {}) =>
    decide({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-ssm-instance/i-0123456789abcdef0`,
        action,
        resource: { resource, accountId: resource.split(':')[4] || ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [{ name: 'instance', policy: instancePolicy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resource === CENTRAL_KEY ? { resourcePolicy: centralKeyPolicy } : {}),
    });

  it('may encrypt transcript uploads with the central bucket key, through S3', async () => {
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      await expect(agent(action, CENTRAL_KEY, { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' })).resolves.toBe(
        'Allowed',
      );
    }
    await expect(
      agent('s3:PutObject', 'arn:aws:s3:::org-session-transcripts/sessions/123456789012/eu-west-1/i-0.log'),
    ).resolves.toBe('Allowed');
  });

  it('may not use the central key outside S3', async () => {
    await expect(
      agent('kms:Decrypt', CENTRAL_KEY, { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('keeps the session key for the session channel', async () => {
    expect(logs.destination.s3KmsKeyArn).toBe(CENTRAL_KEY);
    expect(instancePolicy.Statement.find((s) => s.Sid === 'UseSessionKeys')?.Resource).toEqual([
      expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\//),
    ]);
  });
});

describe('regional props take the region type', () => {
  it('refuses a region name that is not one at compile time (checked by `npm run typecheck`)', () => {
    const bad = 'eu-west-9';
    const attempts: (() => IConstruct)[] = [
      () => {
        const { stack, provider } = consumerStack();
        return new LaunchTagger(stack, 'tagger', {
          provider,
          accountId: ACCOUNT,
          // @ts-expect-error -- not an AwsRegion
          region: bad,
        });
      },
      () =>
        new ManagedInstanceRole(consumerStack().stack, 'instances', {
          accountId: ACCOUNT,
          // @ts-expect-error -- not an AwsRegion
          regions: [bad],
          roleName: 'r',
        }),
      () =>
        new SessionAccessPolicy(consumerStack().stack, 'access', {
          accountId: ACCOUNT,
          // @ts-expect-error -- not an AwsRegion
          regions: [bad],
          environment: 'platform',
        }),
    ];
    // @ts-expect-error -- not an AwsRegion
    expect(() => sessionKeyPolicy({ accountId: ACCOUNT, region: bad, logGroupNames: [] })).not.toThrow();
    // And at run time, for JavaScript callers: every construct reports it when the app is validated.
    for (const attempt of attempts)
      expect(() => validated(attempt)).toThrow(/regions?(\.0)? must be an AWS region name/);
  });
});

describe('a name too long for a bucket is reported against the environment file and field', () => {
  it('names environments/<file>.ts and `name`, before any construct runs', () => {
    const input = {
      ...structuredClone(example),
      name: 'payments-production-eu1x',
      primaryRegion: 'ap-southeast-2' as const,
      additionalRegions: [],
      vpcEndpoints: {},
    };
    expect(() => loadEnvironment({ file: 'environments/payments.ts', input })).toThrow(
      /^environments\/payments\.ts: name must be short enough for the transcript bucket "payments-production-eu1x-ssm-sessions-111111111111-ap-southeast-2" in ap-southeast-2 \(65 characters; S3 allows 63\)\. Shorten the name by 2 characters/m,
    );
  });

  it('accepts the same name with a central bucket (no bucket is named after it)', () => {
    const input = {
      ...structuredClone(example),
      name: 'payments-production-eu1x',
      primaryRegion: 'ap-southeast-2' as const,
      additionalRegions: [],
      vpcEndpoints: {},
      logging: {
        ...example.logging,
        centralBucket: {
          name: 'org-session-transcripts',
          kmsKeyArn: 'arn:aws:kms:ap-southeast-2:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
      },
    };
    expect(() => loadEnvironment({ file: 'environments/payments.ts', input })).not.toThrow();
  });
});
