import { CLOUDWATCH_LOG_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS } from '../core/rules';
import type { Rule } from './rule';
import { resources } from './terraform-json';

/** Log groups keep their events at least a year, with a retention CloudWatch Logs accepts. */
export const logGroupRetention: Rule = (json) =>
  resources(json, 'aws_cloudwatch_log_group')
    .filter(([, group]) => {
      const days = group.retention_in_days;
      return (
        typeof days !== 'number' ||
        days < MIN_AUDIT_RETENTION_DAYS ||
        !(CLOUDWATCH_LOG_RETENTION_DAYS as readonly number[]).includes(days)
      );
    })
    .map(([id, group]) => ({
      address: `aws_cloudwatch_log_group.${id}`,
      message: `retention ${group.retention_in_days} is not a CloudWatch value of at least ${MIN_AUDIT_RETENTION_DAYS} days`,
    }));
