import type { Rule } from './rule';
import { resources } from './terraform-json';

/** Queues are encrypted, with a KMS key or SQS-managed SSE. */
export const sqsQueueEncrypted: Rule = (json) =>
  resources(json, 'aws_sqs_queue')
    .filter(
      ([, q]) =>
        !(typeof q.kms_master_key_id === 'string' && q.kms_master_key_id !== '') && q.sqs_managed_sse_enabled !== true,
    )
    .map(([id]) => ({ address: `aws_sqs_queue.${id}`, message: 'not encrypted' }));
