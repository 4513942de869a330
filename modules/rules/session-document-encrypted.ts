import type { Rule } from './rule';
import { sessionDocuments } from './terraform-json';

/**
 * Shell sessions are encrypted with a KMS key, and so is what they log: `s3EncryptionEnabled`
 * and `cloudWatchEncryptionEnabled` are the JSON boolean `true` (Session Manager reads the string
 * `"true"` as false).
 */
export const sessionDocumentEncrypted: Rule = (json) =>
  sessionDocuments(json).flatMap(({ address, inputs }) => {
    if (!inputs) return [{ address, message: 'its content is not literal JSON, so its encryption cannot be checked' }];
    const problems: string[] = [];
    if (!inputs.kmsKeyId) problems.push('sessions are not encrypted (no kmsKeyId)');
    if (inputs.s3EncryptionEnabled !== true) problems.push('s3EncryptionEnabled is not the boolean true');
    if (inputs.cloudWatchEncryptionEnabled !== true)
      problems.push('cloudWatchEncryptionEnabled is not the boolean true');
    return problems.map((message) => ({ address, message }));
  });
