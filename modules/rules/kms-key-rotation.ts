import type { Rule } from './rule';
import { resources } from './terraform-json';

/** KMS keys rotate their key material every year. */
export const kmsKeyRotation: Rule = (json) =>
  resources(json, 'aws_kms_key')
    .filter(([, key]) => key.enable_key_rotation !== true)
    .map(([id]) => ({ address: `aws_kms_key.${id}`, message: 'key rotation is not on (enable_key_rotation)' }));
