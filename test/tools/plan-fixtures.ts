/**
 * `node test/tools/run.mjs plan-fixtures`: writes the plan fixtures of the plan-report tests
 * (test/fixtures/plans) from the example environment as this branch synthesizes it, in the shape
 * `terraform show -json` gives. Run it when the example's addresses or session policy change, and
 * review the result like any other change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { readStackAccess } from '../../cli/access/read-stack';
import { readResolvedPolicy } from '../support/policies';
import { type SynthesizedStack, logicalIdAt, synthesize } from '../support/synth';
import type { ChangeAction, ResourceChange, TerraformPlan } from '../../cli/report/terraform-plan';

const { configs, stacks } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));
const config = configs[0];
const stack = stacks.get('example')!;
const { access, sessionPolicyLocation: location } = readStackAccess(stack);

function change(
  type: string,
  pathSuffix: string,
  actions: ChangeAction[],
  before: object | null,
  after: object | null,
  reason?: string,
): ResourceChange {
  const name = pathSuffix.startsWith('=') ? pathSuffix.slice(1) : logicalIdAt(stack, type, pathSuffix);
  return {
    address: `${type}.${name}`,
    mode: 'managed',
    type,
    name,
    change: { actions, before: before as never, after: after as never, after_unknown: {} },
    ...(reason ? { action_reason: reason } : {}),
  };
}

/** A resource's arguments; `pathSuffix` is a construct path suffix, or `=<logical id>`. */
function resource(s: SynthesizedStack, type: string, pathSuffix: string): Record<string, unknown> {
  const r = s.json.resource[type][pathSuffix.startsWith('=') ? pathSuffix.slice(1) : logicalIdAt(s, type, pathSuffix)];
  const { '//': _metadata, provider: _provider, depends_on: _dependsOn, lifecycle: _lifecycle, ...values } = r;
  return values;
}

const role = resource(stack, 'aws_iam_role', 'federation/role');
const trust = {
  ...role,
  assume_role_policy: JSON.stringify(readResolvedPolicy(stack, String(role.assume_role_policy))),
};
const roleNoOp = change('aws_iam_role', 'federation/role', ['no-op'], trust, trust);
const sessionValues = (policy: PolicyDocument) => ({
  ...resource(stack, location.type, `=${location.name}`),
  [location.attribute]: JSON.stringify(policy),
});
const session = (actions: ChangeAction[], before: PolicyDocument, after: PolicyDocument) =>
  change(location.type, `=${location.name}`, actions, sessionValues(before), sessionValues(after));

const policy = access.sessionPolicy;
const widened: PolicyDocument = {
  ...policy,
  Statement: [
    ...policy.Statement,
    {
      Sid: 'StartSessionOnAnyInstance',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: `arn:aws:ec2:*:${config.accountId}:instance/*`,
    },
  ],
};
const narrowed: PolicyDocument = {
  ...policy,
  Statement: policy.Statement.map((s) =>
    Array.isArray(s.Resource)
      ? { ...s, Resource: s.Resource.filter((r: string) => !r.endsWith('document/AWS-StartSSHSession')) }
      : s,
  ),
};
const bucketPath = `session-audit-logs-${config.primaryRegion}/transcripts/bucket`;
const keyPath = `session-audit-logs-${config.primaryRegion}/key`;
const bucket = resource(stack, 'aws_s3_bucket', bucketPath);
const key = resource(stack, 'aws_kms_key', keyPath);

const plans: Record<string, ResourceChange[]> = {
  'widened-policy': [roleNoOp, session(['update'], policy, widened)],
  'narrowed-policy': [roleNoOp, session(['update'], policy, narrowed)],
  'destroyed-bucket': [
    roleNoOp,
    session(['no-op'], policy, policy),
    change('aws_s3_bucket', bucketPath, ['delete'], bucket, null),
    change('aws_kms_key', keyPath, ['delete', 'create'], key, key, 'replace_because_cannot_update'),
  ],
  'no-change': [
    roleNoOp,
    session(['no-op'], policy, policy),
    change('aws_s3_bucket', bucketPath, ['no-op'], bucket, bucket),
  ],
};

const dir = join(__dirname, '..', '..', 'test', 'fixtures', 'plans');
for (const [name, resourceChanges] of Object.entries(plans)) {
  const plan: TerraformPlan & Record<string, unknown> = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: resourceChanges,
    applyable: true,
    complete: true,
    errored: false,
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(plan, null, 2)}\n`);
}
process.stdout.write(`wrote ${Object.keys(plans).length} plans to ${dir}\n`);
