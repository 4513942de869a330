/**
 * `node test/tools/run.mjs plan-fixtures`: writes the plan fixtures of the plan-report tests
 * (test/fixtures/plans) from the example environment as this branch synthesizes it, in the shape
 * `terraform show -json` gives; the approval-policy plans from prod's just-in-time approval
 * documents (its primary region's CloudFormation stack and the deny-access output). Run it when
 * the example's addresses or session policy, or prod's approval policies, change, and review the
 * result like any other change.
 *
 * With `--terraform` it also plans the example offline with Terraform (`TF_PROVIDER_MIRROR` for the
 * providers) and keeps the audit-setting resources of that real plan as `offline-audit.json`, and
 * plans prod the same way, keeping its approval-policy stacks and deny-access output as
 * `offline-approvals.json`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { type PolicyDocument, unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { readStackAccess } from '../../cli/access/read-stack';
import { readResolvedPolicy, resolveReferences } from '../support/policies';
import { type SynthesizedStack, logicalIdAt, synthesize } from '../support/synth';
import type { ChangeAction, ResourceChange, TerraformPlan } from '../../cli/report/terraform-plan';
import { planOfflineJson } from '../../cli/terraform';
import {
  type ManualApproval,
  autoApprovalContent,
  denyAccessContent,
  manualApprovalContent,
} from '../../modules/just-in-time/approval-documents';
import {
  type AutoApprovalRules,
  type TagMatch,
  autoApprovalCedar,
  denyAccessCedar,
} from '../../modules/just-in-time/cedar';
import { autoApprovalRulesOf } from '../../modules/ssm-federated-access/just-in-time';

const { configs, stacks } = synthesize(environmentSources.filter((s) => ['example', 'prod'].includes(s.input.name)));
const config = configs.find((c) => c.name === 'example')!;
const stack = stacks.get('example')!;
const { access, sessionPolicyLocation: location } = readStackAccess(stack);

function change(
  type: string,
  pathSuffix: string,
  actions: ChangeAction[],
  before: object | null,
  after: object | null,
  reason?: string,
  of: SynthesizedStack = stack,
): ResourceChange {
  const name = pathSuffix.startsWith('=') ? pathSuffix.slice(1) : logicalIdAt(of, type, pathSuffix);
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

/** A resource's arguments as AWS holds them once applied: references resolved to stand-in values. */
const applied = (values: Record<string, unknown>): Record<string, unknown> =>
  JSON.parse(resolveReferences(stack, JSON.stringify(values)));
const documentPath = `session-preferences-${config.primaryRegion}/document`;
const logGroupPath = `session-audit-logs-${config.primaryRegion}/log-group`;
const lifecyclePath = `session-audit-logs-${config.primaryRegion}/transcripts/lifecycle`;
const document = applied(resource(stack, 'aws_ssm_document', documentPath));
const logGroup = applied(resource(stack, 'aws_cloudwatch_log_group', logGroupPath));
const lifecycle = applied(resource(stack, 'aws_s3_bucket_lifecycle_configuration', lifecyclePath));
type Rule = { id: string; [field: string]: unknown };
const withInputs = (inputs: Record<string, unknown>) => {
  const content = JSON.parse(String(document.content));
  return { ...document, content: JSON.stringify({ ...content, inputs: { ...content.inputs, ...inputs } }) };
};
const withRule = (id: string, change: Partial<Rule>) => ({
  ...lifecycle,
  rule: (lifecycle.rule as Rule[]).map((r) => (r.id === id ? { ...r, ...change } : r)),
});
const update = (type: string, path: string, before: object, after: object) =>
  change(type, path, ['update'], before, after);

// Just-in-time approval policies: prod's CloudFormation stack of approval documents in its primary
// region, with the template as deployed before and a changed one after.
const prodConfig = configs.find((c) => c.name === 'prod')!;
const prod = stacks.get('prod')!;
const approvalsPath = `just-in-time-approvals-${prodConfig.primaryRegion}/stack`;
const approvalsStack = resource(prod, 'aws_cloudformation_stack', approvalsPath);
type Template = { Resources: Record<string, { Properties: { Name: string; Content: Record<string, unknown> } }> };
const template = JSON.parse(unescapeTerraformTemplate(String(approvalsStack.template_body))) as Template;
const autoRules = autoApprovalRulesOf(prodConfig);
const [platform] = prodConfig.justInTime!.manualApprovals;
const withDocuments = (auto: AutoApprovalRules, manual: ManualApproval) => {
  const next = structuredClone(template);
  const autoContent = next.Resources.AutoApprovalPolicy!.Properties.Content;
  next.Resources.AutoApprovalPolicy!.Properties.Content = autoApprovalContent(
    autoApprovalCedar(auto),
    String(autoContent.description),
  );
  const manualId = Object.keys(next.Resources).find((id) => next.Resources[id]!.Properties.Name === manual.name)!;
  next.Resources[manualId]!.Properties.Content = manualApprovalContent(manual);
  return next;
};
const approvals = (after: Template) =>
  change(
    'aws_cloudformation_stack',
    approvalsPath,
    ['update'],
    { ...approvalsStack, template_body: JSON.stringify(template) },
    { ...approvalsStack, template_body: JSON.stringify(after) },
    undefined,
    prod,
  );
const denyAccessDocument = (denies: readonly TagMatch[]) => {
  const before = JSON.parse(String(prod.json.output.just_in_time_deny_access_document.value));
  return JSON.stringify(denyAccessContent(denyAccessCedar(denies), String(before.description)));
};
const { exceptWhenTagged: _restricted, ...unrestricted } = autoRules;

const approvalPlans: Record<string, { resourceChanges: ResourceChange[]; outputChanges?: Record<string, object> }> = {
  // The restricted-instance exclusion dropped and the principal-tag owner rule auto-approved.
  'widened-auto-approval': {
    resourceChanges: [
      approvals(
        withDocuments(
          { ...unrestricted, principalTagOwnerRule: { principalTag: 'Owner', instanceTag: 'OWNER' } },
          platform,
        ),
      ),
    ],
  },
  // The platform approval window from 4 to 8 hours, and a second approver group.
  'longer-manual-approval': {
    resourceChanges: [
      approvals(
        withDocuments(autoRules, {
          ...platform,
          accessDurationHours: 8,
          approvers: [...platform.approvers, { type: 'SSOGroup', name: 'a1b2c3d4-5678-90ab-cdef-contractors01' }],
        }),
      ),
    ],
  },
  // One attribute group less auto-approved, a 2-hour window, and a second deny-access statement.
  'narrowed-approvals': {
    resourceChanges: [
      approvals(
        withDocuments(
          { ...autoRules, attributeRule: { ...autoRules.attributeRule!, groups: autoRules.attributeRule!.groups - 1 } },
          { ...platform, accessDurationHours: 2 },
        ),
      ),
    ],
    outputChanges: {
      just_in_time_deny_access_document: {
        actions: ['update'],
        before: String(prod.json.output.just_in_time_deny_access_document.value),
        after: denyAccessDocument([...prodConfig.justInTime!.denyAccess, { tagKey: 'DataClass', values: ['secret'] }]),
        after_unknown: false,
        before_sensitive: false,
        after_sensitive: false,
      },
    },
  },
};

const plans: Record<string, ResourceChange[]> = {
  // Every way a change can weaken the audit, in the primary region.
  'weakened-audit': [
    roleNoOp,
    session(['no-op'], policy, policy),
    update(
      'aws_ssm_document',
      documentPath,
      document,
      withInputs({
        runAsEnabled: false,
        s3BucketName: '',
        s3KeyPrefix: '',
        cloudWatchEncryptionEnabled: false,
        kmsKeyId: '',
        idleSessionTimeout: '60',
      }),
    ),
    update('aws_cloudwatch_log_group', logGroupPath, logGroup, { ...logGroup, retention_in_days: 30 }),
    update(
      'aws_s3_bucket_lifecycle_configuration',
      lifecyclePath,
      lifecycle,
      withRule('archive-then-expire', {
        expiration: [{ days: 90 }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      }),
    ),
  ],
  // Changes of the same settings that keep or tighten the audit: shown, not flagged.
  'tightened-audit': [
    roleNoOp,
    session(['no-op'], policy, policy),
    update(
      'aws_ssm_document',
      documentPath,
      document,
      withInputs({
        idleSessionTimeout: '10',
        maxSessionDuration: '60',
        shellProfile: { linux: 'exec bash -l', windows: '' },
      }),
    ),
    update('aws_cloudwatch_log_group', logGroupPath, logGroup, { ...logGroup, retention_in_days: 1827 }),
    update(
      'aws_s3_bucket_lifecycle_configuration',
      lifecyclePath,
      lifecycle,
      withRule('archive-then-expire', {
        expiration: [{ days: 1096 }],
        transition: [{ days: 30, storage_class: 'GLACIER_IR' }],
      }),
    ),
  ],
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
const write = (
  name: string,
  resourceChanges: readonly ResourceChange[],
  terraformVersion = '1.11.4',
  outputChanges?: Record<string, object>,
) => {
  const plan: TerraformPlan & Record<string, unknown> = {
    format_version: '1.2',
    terraform_version: terraformVersion,
    resource_changes: resourceChanges,
    ...(outputChanges ? { output_changes: outputChanges as TerraformPlan['output_changes'] } : {}),
    applyable: true,
    complete: true,
    errored: false,
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(plan, null, 2)}\n`);
};
for (const [name, resourceChanges] of Object.entries(plans)) write(name, resourceChanges);
for (const [name, { resourceChanges, outputChanges }] of Object.entries(approvalPlans))
  write(name, resourceChanges, undefined, outputChanges);
process.stdout.write(`wrote ${Object.keys(plans).length + Object.keys(approvalPlans).length} plans to ${dir}\n`);

const AUDIT_TYPES = ['aws_ssm_document', 'aws_cloudwatch_log_group', 'aws_s3_bucket_lifecycle_configuration'];
if (process.argv.includes('--terraform')) {
  void planOfflineJson(stack.dir, stack.json).then((text) => {
    const real = JSON.parse(text) as TerraformPlan & { terraform_version: string };
    write(
      'offline-audit',
      (real.resource_changes ?? []).filter((rc) => AUDIT_TYPES.includes(rc.type)),
      real.terraform_version,
    );
    process.stdout.write(`wrote offline-audit.json from a real offline plan to ${dir}\n`);
  });
  void planOfflineJson(prod.dir, prod.json).then((text) => {
    const real = JSON.parse(text) as TerraformPlan & { terraform_version: string };
    const deny = real.output_changes?.just_in_time_deny_access_document;
    write(
      'offline-approvals',
      (real.resource_changes ?? []).filter((rc) => rc.type === 'aws_cloudformation_stack'),
      real.terraform_version,
      deny ? { just_in_time_deny_access_document: deny } : undefined,
    );
    process.stdout.write(`wrote offline-approvals.json from a real offline plan to ${dir}\n`);
  });
}
