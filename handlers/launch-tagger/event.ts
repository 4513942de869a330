// zod/mini: the same checks as zod's classic API, tree-shaken to a few KiB in the bundle.
import * as z from 'zod/mini';
import { MalformedEventError } from './errors';

/**
 * The parts of an EventBridge "AWS API Call via CloudTrail" event for `RunInstances` that the
 * function reads. Everything else CloudTrail records is allowed and ignored (loose objects).
 */

const tag = z.object({ key: z.string(), value: z._default(z.string(), '') });

const tagSpecification = z.looseObject({
  resourceType: z.string(),
  tags: z._default(z.array(tag), []),
});

const launchedInstance = z.looseObject({
  instanceId: z.string().check(z.regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id')),
  // CloudTrail writes `"tagSet": {}` for an instance without tags.
  tagSet: z.optional(z.object({ items: z._default(z.array(tag), []) })),
});

const userIdentity = z.looseObject({
  type: z.string(),
  principalId: z.optional(z.string()),
  arn: z.optional(z.string()),
  sessionContext: z.optional(
    z.looseObject({
      sessionIssuer: z.optional(
        z.looseObject({
          type: z.optional(z.string()),
          userName: z.optional(z.string()),
          arn: z.optional(z.string()),
        }),
      ),
    }),
  ),
});

const detail = z.looseObject({
  eventID: z.string(),
  eventSource: z.literal('ec2.amazonaws.com'),
  eventName: z.literal('RunInstances'),
  userIdentity,
  // Present on failed calls, which have no responseElements.
  errorCode: z.optional(z.string()),
  requestParameters: z.nullish(
    z.looseObject({ tagSpecificationSet: z.optional(z.object({ items: z.array(tagSpecification) })) }),
  ),
  responseElements: z.nullish(
    z.looseObject({ instancesSet: z.object({ items: z.array(launchedInstance).check(z.minLength(1)) }) }),
  ),
});

export const runInstancesEventSchema = z
  .looseObject({
    id: z.string(),
    'detail-type': z.literal('AWS API Call via CloudTrail'),
    source: z.literal('aws.ec2'),
    account: z.string(),
    region: z.string(),
    detail,
  })
  .check(
    z.refine((event) => event.detail.errorCode !== undefined || Boolean(event.detail.responseElements), {
      path: ['detail', 'responseElements'],
      message: 'a successful RunInstances call must list the launched instances',
    }),
  );

export type RunInstancesEvent = z.output<typeof runInstancesEventSchema>;
export type Tag = z.output<typeof tag>;

/** Parses an incoming event or throws MalformedEventError naming the event and every problem. */
export function parseRunInstancesEvent(raw: unknown): RunInstancesEvent {
  const parsed = runInstancesEventSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new MalformedEventError(
    eventIdOf(raw),
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

/** The event's id, from whatever shape arrived: EventBridge's id first, then CloudTrail's. */
export function eventIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { id, detail } = raw as { id?: unknown; detail?: { eventID?: unknown } };
  if (typeof id === 'string') return id;
  return typeof detail?.eventID === 'string' ? detail.eventID : undefined;
}
