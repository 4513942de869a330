import { CreateTagsCommand, DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { CREATED_BY_TAG_KEY, OWNER_TAG_KEY, type OwnerTarget, batches } from './decide';

/** Just what the calls need from an EC2 client, so tests can pass a mocked or a real one. */
export type Ec2 = Pick<EC2Client, 'send'>;

/**
 * Sets the owner tag on every instance of each target: one CreateTags call per 1,000 instances.
 * CreateTags overwrites an existing value, which is what makes the function authoritative.
 * Returns the number of calls made.
 */
export async function tagOwners(ec2: Ec2, targets: readonly OwnerTarget[]): Promise<number> {
  let calls = 0;
  for (const target of targets) {
    for (const resources of batches(target.instanceIds)) {
      await ec2.send(
        new CreateTagsCommand({ Resources: resources, Tags: [{ Key: OWNER_TAG_KEY, Value: target.owner }] }),
      );
      calls++;
    }
  }
  return calls;
}

export interface LookupOptions {
  /** DescribeInstances attempts while an instance is not visible yet or has no CreatedBy yet. @default 4 */
  readonly attempts?: number;
  /** Wait before the next attempt (1-based). @default 250 ms doubling: 250, 500, 1000 */
  readonly delayMs?: (attempt: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CreatedByLookup {
  /** `CreatedBy` per instance; undefined when it was still absent after the last attempt. */
  readonly createdBy: Map<string, string | undefined>;
  readonly calls: number;
}

/**
 * Reads `CreatedBy` from the instances. EC2 is eventually consistent: a just-launched instance can
 * be `InvalidInstanceID.NotFound` for a moment, and a launcher may tag right after RunInstances,
 * so absent answers are retried briefly. Throttling is the SDK's job (adaptive retries), not this loop's.
 */
export async function lookUpCreatedBy(
  ec2: Ec2,
  instanceIds: readonly string[],
  options: LookupOptions = {},
): Promise<CreatedByLookup> {
  const attempts = options.attempts ?? 4;
  const delayMs = options.delayMs ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const createdBy = new Map<string, string | undefined>(instanceIds.map((id) => [id, undefined]));
  let calls = 0;
  for (let attempt = 1; ; attempt++) {
    const pending = [...createdBy].filter(([, value]) => value === undefined).map(([id]) => id);
    for (const ids of batches(pending)) {
      calls++;
      try {
        const output = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
        for (const instance of (output.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
          const value = instance.Tags?.find((tag) => tag.Key === CREATED_BY_TAG_KEY)?.Value;
          if (instance.InstanceId !== undefined && value !== undefined) createdBy.set(instance.InstanceId, value);
        }
      } catch (error) {
        if ((error as { name?: string }).name !== 'InvalidInstanceID.NotFound') throw error;
      }
    }
    const done = [...createdBy.values()].every((value) => value !== undefined);
    if (done || attempt >= attempts) return { createdBy, calls };
    await sleep(delayMs(attempt));
  }
}
