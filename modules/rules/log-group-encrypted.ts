import type { Rule } from './rule';
import { resources } from './terraform-json';

/** Log groups are encrypted with a KMS key (`kms_key_id`). */
export const logGroupEncrypted: Rule = (json) =>
  resources(json, 'aws_cloudwatch_log_group')
    .filter(([, group]) => typeof group.kms_key_id !== 'string' || group.kms_key_id === '')
    .map(([id]) => ({ address: `aws_cloudwatch_log_group.${id}`, message: 'not encrypted with a KMS key' }));
