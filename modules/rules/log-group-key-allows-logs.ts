import type { Rule } from './rule';
import { accountPattern, asList, regionOf, resources, statementsOf } from './terraform-json';

/**
 * A log group encrypted with a key of the same stack names a key whose policy lets CloudWatch Logs
 * of the group's region use it for this very log group (the `kms:EncryptionContext:aws:logs:arn`
 * condition). Without it CloudWatch Logs refuses the key when the group is created, or a new log
 * group (a function's, say) silently gets a key that does not allow it.
 */
export const logGroupKeyAllowsLogs: Rule = (json) => {
  const account = accountPattern(json);
  return resources(json, 'aws_cloudwatch_log_group').flatMap(([id, group]) => {
    const keyRef = /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(String(group.kms_key_id));
    if (!keyRef) return [];
    const region = regionOf(json, group);
    const arn = new RegExp(
      `^arn:aws:logs:${region}:${account}:log-group:${String(group.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
    );
    const allowed = statementsOf(json.resource.aws_kms_key?.[keyRef[1]]?.policy).some(
      (s) =>
        s.Effect === 'Allow' &&
        typeof s.Principal === 'object' &&
        asList(s.Principal.Service).includes(`logs.${region}.amazonaws.com`) &&
        asList(s.Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn']).some((a) => arn.test(String(a))),
    );
    return allowed
      ? []
      : [
          {
            address: `aws_cloudwatch_log_group.${id}`,
            message: `its key's policy does not let CloudWatch Logs in ${region} use it for the log group ${group.name}`,
          },
        ];
  });
};
