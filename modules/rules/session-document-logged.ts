import type { Rule } from './rule';
import { regionOf, resources, sessionDocuments } from './terraform-json';

/**
 * Shell sessions are logged, to S3 or CloudWatch Logs; a CloudWatch log group they name is one of
 * this stack, in the document's region (so its retention and encryption are checked too).
 */
export const sessionDocumentLogged: Rule = (json) =>
  sessionDocuments(json).flatMap(({ address, document, inputs }) => {
    if (!inputs) return [{ address, message: 'its content is not literal JSON, so its logging cannot be checked' }];
    if (!inputs.s3BucketName && !inputs.cloudWatchLogGroupName)
      return [{ address, message: 'sessions are not logged' }];
    if (!inputs.cloudWatchLogGroupName) return [];
    const region = regionOf(json, document);
    const exists = resources(json, 'aws_cloudwatch_log_group').some(
      ([, g]) => g.name === inputs.cloudWatchLogGroupName && regionOf(json, g) === region,
    );
    return exists
      ? []
      : [
          {
            address,
            message: `log group ${inputs.cloudWatchLogGroupName} is not in this stack and region (${region})`,
          },
        ];
  });
