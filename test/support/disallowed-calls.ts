import type { PolicyDocument } from '../../modules/core/policy-document';
import { evaluate } from '../../cli/access/evaluator';
import { roleSession, simulationOf } from '../../cli/access/matrix-context';

/** One API call as IAM authorizes it: an action on a resource ARN. */
export interface AuthorizedCall {
  readonly action: string;
  readonly resource: string;
  /** Why the call is made, for the failure message (e.g. `aws_s3_bucket refresh: GetBucketAcl`). */
  readonly reason?: string;
  /** The resource's own policy where it decides too (a KMS key policy). */
  readonly resourcePolicy?: PolicyDocument;
  /** Request context, such as the `aws:RequestedRegion` of a regional call. */
  readonly context?: Record<string, string | string[]>;
}

/**
 * The calls a CI role may not make with these policies (and boundary): empty when every one is
 * allowed. For any list of calls, such as the reads of a real `terraform plan` taken from an API log.
 */
export async function disallowedCalls(
  account: string,
  roleName: string,
  identity: readonly PolicyDocument[],
  boundary: PolicyDocument | undefined,
  calls: readonly AuthorizedCall[],
): Promise<string[]> {
  const who = roleSession({ label: `role ${roleName}`, account, roleName, sessionName: 'GitHubActions' });
  const denied: string[] = [];
  for (const call of calls) {
    const row = {
      area: 'ci plan role' as const,
      description: call.reason ?? call.action,
      who,
      action: call.action,
      resource: call.resource,
      ...(call.context ? { context: call.context } : {}),
      policies: {
        identity,
        ...(boundary ? { boundary } : {}),
        ...(call.resourcePolicy ? { resource: call.resourcePolicy } : {}),
      },
      expected: 'Allowed' as const,
    };
    const { decision } = await evaluate(simulationOf(row, account));
    if (decision !== 'Allowed') {
      denied.push(`${call.action} on ${call.resource}${call.reason ? ` (${call.reason})` : ''}: ${decision}`);
    }
  }
  return denied;
}
