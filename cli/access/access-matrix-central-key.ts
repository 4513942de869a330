import type { PolicyDocument } from '../../modules/core/policy-document';
import { MANAGED_INSTANCE_SIDS } from '../../modules/managed-instance-role/managed-instance-role';
import type { ResolvedDestination } from './access-model';
import type { Caller, MatrixHelpers } from './matrix-case';

/**
 * Access-matrix cases for a central transcript bucket's own key (`logging.centralBucket.kmsKeyArn`,
 * usually in a log-archive account): the instance role may use it for uploads through S3 and
 * nothing else; the people may not use it at all (they need `kms:GenerateDataKey` on the session
 * key only, which the `kms` cases cover).
 */

/**
 * The key policy that decides beside the identity policies. The real one is the log-archive
 * account's; this stand-in is the widest it would write for this account (every principal of the
 * account, the two actions uploads need), so what allows or denies here is this stack's own policies.
 */
export function centralKeyPolicyStandIn(accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LogArchiveKeyTrustsTheAccount',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
      },
    ],
  };
}

/** The destinations whose bucket has a key of its own (a central bucket), each with the S3 endpoint that uses it. */
export function centralBucketKeys(
  destinations: readonly ResolvedDestination[],
): { region: string; keyArn: string; viaS3: string }[] {
  return destinations.flatMap((d) =>
    d.s3KmsKeyArn && d.s3KmsKeyArn !== d.kmsKeyArn
      ? [{ region: d.region, keyArn: d.s3KmsKeyArn, viaS3: `s3.${d.s3KmsKeyArn.split(':')[3]}.amazonaws.com` }]
      : [],
  );
}

export function centralBucketKeyCases(
  m: MatrixHelpers & {
    /** The instance role's session and policy. */
    readonly agent: Caller;
    readonly agentPolicy: PolicyDocument;
  },
): void {
  const { access, agent, agentPolicy } = m;
  const alice = m.person('alice', { SSMSessionRunAs: 'alice' });
  const keyPolicy = centralKeyPolicyStandIn(access.model.sessionPolicy.accountId);
  for (const { region, keyArn, viaS3 } of centralBucketKeys(access.destinations)) {
    const agentCase = (
      description: string,
      action: string,
      context: Record<string, string>,
      expected: 'Allowed' | 'ImplicitlyDenied',
    ) =>
      m.add({
        area: 'instance role',
        description,
        caller: agent,
        action,
        resource: keyArn,
        context,
        expected,
        ...(expected === 'Allowed' ? { expectedSid: MANAGED_INSTANCE_SIDS.transcriptBucketKms } : {}),
        policies: { identity: [agentPolicy], resource: keyPolicy },
      });
    const throughS3 = { 'kms:ViaService': viaS3 };
    agentCase(
      `data key for a transcript upload to the central bucket from ${region} (through S3)`,
      'kms:GenerateDataKey',
      throughS3,
      'Allowed',
    );
    agentCase(
      `decrypt with the central bucket's key for a multipart upload from ${region} (through S3)`,
      'kms:Decrypt',
      throughS3,
      'Allowed',
    );
    agentCase(
      `data key with the central bucket's key outside S3 (${region})`,
      'kms:GenerateDataKey',
      {},
      'ImplicitlyDenied',
    );
    agentCase(`decrypt with the central bucket's key outside S3 (${region})`, 'kms:Decrypt', {}, 'ImplicitlyDenied');
    agentCase(`grant others the central bucket's key (${region})`, 'kms:CreateGrant', throughS3, 'ImplicitlyDenied');

    const userCase = (description: string, action: string, context: Record<string, string>) =>
      m.add({
        area: 'kms',
        description,
        caller: alice,
        action,
        resource: keyArn,
        context,
        expected: 'ImplicitlyDenied',
        policies: { identity: [access.sessionPolicy], resource: keyPolicy },
      });
    userCase(
      `data key with the central bucket's key (${region}; users need the session key only)`,
      'kms:GenerateDataKey',
      {},
    );
    userCase(`decrypt transcripts with the central bucket's key (${region})`, 'kms:Decrypt', throughS3);
  }
}
