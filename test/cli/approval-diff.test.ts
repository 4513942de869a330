import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { main } from '../../cli/main';
import {
  type ApprovalChange,
  approvalChanges,
  denyAccessChanges,
  diffLines,
  widenedApprovals,
  widenedCedar,
} from '../../cli/report/approval-diff';
import { buildEnvironmentReport } from '../../cli/report/build-report';
import { renderHtml } from '../../cli/report/html';
import { renderReport } from '../../cli/report/render';
import { type ResourceChange, type TerraformPlan, managedChanges, parsePlan } from '../../cli/report/terraform-plan';
import { escapeTerraformTemplate } from '../../modules/core/policy-document';
import { synthesize } from '../support/synth';

function fixture(name: string): TerraformPlan {
  const path = join(__dirname, '..', 'fixtures', 'plans', `${name}.json`);
  return parsePlan(readFileSync(path, 'utf8'), path);
}

const approvalsOf = (plan: TerraformPlan): ApprovalChange[] => [
  ...managedChanges(plan).flatMap((rc) => approvalChanges(rc)),
  ...denyAccessChanges(plan),
];
const dangersOf = (plan: TerraformPlan) => widenedApprovals(approvalsOf(plan)).map((w) => w.danger);
const stackChange = (plan: TerraformPlan) => managedChanges(plan).find((rc) => rc.type === 'aws_cloudformation_stack')!;

type Template = { Resources: Record<string, { Properties: { Name: string; Content: Record<string, unknown> } }> };
/** The stack change with its after template edited. */
function withAfterTemplate(rc: ResourceChange, edit: (template: Template) => void): ResourceChange {
  const template = JSON.parse(String(rc.change.after!.template_body)) as Template;
  edit(template);
  return { ...rc, change: { ...rc.change, after: { ...rc.change.after, template_body: JSON.stringify(template) } } };
}

const report = async (plan: TerraformPlan) =>
  renderReport([await buildEnvironmentReport('prod', 'live', plan, async () => ({}))]);

describe('approval policies: auto-approval (Cedar)', () => {
  it('widened: each permit that lost the restricted-instance exclusion, and the new permit', () => {
    expect(dangersOf(fixture('widened-auto-approval'))).toEqual([
      ...[1, 2, 3].map(
        (group) =>
          `exclusion removed: the permit "Attribute rule, group ${group}: APP_ID = AppId${group === 1 ? '' : group}, STAGE = Stage${group === 1 ? '' : group}" no longer has an \`unless\` it had (e.g. the restricted-instance exclusion), so it approves those instances without a person`,
      ),
      'new permit: "Principal-tag owner rule: OWNER = Owner" approves requests without a person that no permit before approved',
    ]);
  });

  it('widened: the Cedar as a line diff in the report, the summary counting every widening', async () => {
    const text = await report(fixture('widened-auto-approval'));
    expect(text).toContain('| prod | 0 | 1 | 0 | 0 | 0 | 0 | **4** :warning: |');
    expect(text.match(/> \*\*WIDENED: `aws_cloudformation_stack\.[^`]+`\*\*, auto-approval policy/g)).toHaveLength(4);
    expect(text).toContain('#### Approval policies');
    expect(text).toMatch(
      /\*\*auto-approval policy\*\* `SSM-JustInTimeAccessAutoApprovalPolicy` in `aws_cloudformation_stack\.[^`]+` \(changed\)\n\n```diff\n \/\/ Attribute rule, group 1/,
    );
    expect(text).toContain(
      '-unless {\n-  resource.hasTag("Restricted") &&\n-  resource.getTag("Restricted") == "true"\n',
    );
    expect(text).toContain('+// Principal-tag owner rule: OWNER = Owner\n+permit (\n');
  });

  it('narrowed: a permit removed is shown, not flagged', () => {
    const [auto] = approvalsOf(fixture('narrowed-approvals'));
    expect(auto).toMatchObject({ label: 'auto-approval policy', kind: 'changed', dangers: [] });
    expect(auto!.cedar!.filter((l) => l.op === '+')).toEqual([]);
    expect(auto!.cedar).toContainEqual({
      op: '-',
      text: '// Attribute rule, group 3: APP_ID = AppId3, STAGE = Stage3',
    });
  });

  it('a condition added to a permit, or an exclusion added, narrows it', () => {
    const before = 'permit (principal, action, resource) when { resource.hasTag("A") };';
    expect(
      widenedCedar(
        before,
        'permit (principal, action, resource) when { resource.hasTag("A") && resource.hasTag("B") } unless { resource.hasTag("R") };',
      ),
    ).toEqual([]);
  });

  it('a condition rewritten with || (or a wider scope) is flagged: the check does not guess', () => {
    const before = 'permit (principal, action, resource) when { resource.hasTag("A") };';
    expect(
      widenedCedar(
        before,
        'permit (principal, action, resource) when { resource.hasTag("A") || resource.hasTag("B") };',
      ),
    ).toEqual(['new permit: "permit #1" approves requests without a person that no permit before approved']);
  });

  it('a forbid removed, or narrowed by a condition, is flagged; a forbid kept or widened is not', () => {
    const forbid = '// Restricted\nforbid (principal, action, resource) when { resource.hasTag("R") };';
    expect(widenedCedar(forbid, '')).toEqual([
      'forbid removed or narrowed: "Restricted" no longer stops every request it stopped',
    ]);
    expect(
      widenedCedar(
        forbid,
        'forbid (principal, action, resource) when { resource.hasTag("R") && resource.hasTag("S") };',
      ),
    ).toHaveLength(1);
    expect(widenedCedar(forbid, 'forbid (principal, action, resource);')).toEqual([]);
  });

  it('Cedar that does not parse is flagged, not taken for harmless', () => {
    const rc = withAfterTemplate(stackChange(fixture('narrowed-approvals')), (t) => {
      t.Resources.AutoApprovalPolicy!.Properties.Content.AutoApprovalPolicyDocuments = [
        { type: 'Cedar', content: 'permit (principal, action, resource) when {' },
      ];
    });
    expect(approvalChanges(rc)[0]!.dangers).toEqual([
      'the Cedar does not parse, so whether it widens cannot be told: compare it by hand',
    ]);
  });

  it('a deleted auto-approval document is flagged', () => {
    const rc = withAfterTemplate(stackChange(fixture('narrowed-approvals')), (t) => {
      delete t.Resources.AutoApprovalPolicy;
    });
    expect(approvalChanges(rc)[0]).toMatchObject({
      kind: 'removed',
      dangers: ['approval policy deleted: nothing is auto-approved in this account and region any more'],
    });
  });
});

describe('approval policies: manual approval', () => {
  it('a longer window and an added approver: both flagged, with the settings before -> after', () => {
    const [manual] = approvalsOf(fixture('longer-manual-approval'));
    expect(manual).toEqual({
      address: expect.stringMatching(/^aws_cloudformation_stack\./),
      label: 'manual approval policy',
      document: 'prod-platform-approval',
      kind: 'changed',
      settings: [{ setting: 'access duration (hours)', before: '4', after: '8' }],
      approvers: { added: ['SSOGroup a1b2c3d4-5678-90ab-cdef-contractors01'], removed: [] },
      dangers: [
        'longer window: approved access lasts 8 hours instead of 4',
        'approver added: SSOGroup a1b2c3d4-5678-90ab-cdef-contractors01 can approve access requests',
      ],
    });
  });

  it('the report says both loudly, and lists the change', async () => {
    const text = await report(fixture('longer-manual-approval'));
    expect(text).toContain('| prod | 0 | 1 | 0 | 0 | 0 | 0 | **2** :warning: |');
    expect(text).toMatch(
      /> \*\*WIDENED: `aws_cloudformation_stack\.[^`]+`\*\*, manual approval policy `prod-platform-approval`: longer window: approved access lasts 8 hours instead of 4\./,
    );
    expect(text).toContain(
      '- `access duration (hours)`: `4` -> `8` :warning: **longer window: approved access lasts 8 hours instead of 4**',
    );
    expect(text).toContain('- approver added: `SSOGroup a1b2c3d4-5678-90ab-cdef-contractors01` :warning:');
  });

  it('fewer approvals required, targets changed, an approver removed', () => {
    const rc = withAfterTemplate(stackChange(fixture('longer-manual-approval')), (t) => {
      const content = Object.values(t.Resources).find((r) => r.Properties.Name === 'prod-platform-approval')!.Properties
        .Content as { targets: unknown; mainSteps: { inputs: Record<string, unknown> }[] };
      content.targets = [{ Key: 'tag:ApprovalTier', Values: ['platform'] }];
      content.mainSteps[0]!.inputs.MinRequiredApprovals = 0;
      content.mainSteps[0]!.inputs.EnhancedApprovals = { Approvers: [] };
    });
    const [manual] = approvalChanges(rc).filter((c) => c.label === 'manual approval policy');
    expect(manual!.settings).toEqual([
      { setting: 'access duration (hours)', before: '4', after: '8' },
      { setting: 'targets', before: 'InstanceIds = *', after: 'tag:ApprovalTier = platform' },
      { setting: 'minimum approvals', before: '1', after: '0' },
    ]);
    expect(manual!.approvers).toEqual({ added: [], removed: ['SSOGroup a1b2c3d4-5678-90ab-cdef-platform0001'] });
    expect(manual!.dangers).toEqual([
      'longer window: approved access lasts 8 hours instead of 4',
      'fewer approvals required: 0 instead of 1',
    ]);
  });

  it('a deleted manual approval document is flagged', () => {
    const rc = withAfterTemplate(stackChange(fixture('narrowed-approvals')), (t) => {
      for (const [id, r] of Object.entries(t.Resources))
        if (r.Properties.Name === 'prod-platform-approval') delete t.Resources[id];
    });
    const [manual] = approvalChanges(rc).filter((c) => c.label === 'manual approval policy');
    expect(manual).toMatchObject({
      kind: 'removed',
      dangers: ['approval policy deleted: requests for its nodes fall to another policy, or cannot be approved'],
    });
  });
});

describe('approval policies: narrowing, new stacks, unknown templates', () => {
  it('narrowed: shorter window, a permit less, a deny-access statement more, and no CAUTION', async () => {
    const plan = fixture('narrowed-approvals');
    expect(dangersOf(plan)).toEqual([]);
    const text = await report(plan);
    expect(text).toContain('| prod | 0 | 1 | 0 | 0 | 0 | 0 | 0 |');
    expect(text).toContain('- `access duration (hours)`: `4` -> `2`\n');
    expect(text).toMatch(
      /\*\*deny-access policy\*\* `SSM-JustInTimeAccessDenyAccessOrgPolicy` in `output\.just_in_time_deny_access_document` \(changed\)/,
    );
    expect(text).toContain('+// No auto-approval on instances tagged DataClass = secret\n+forbid (\n');
    expect(text).not.toMatch(/CAUTION|WIDENED|:warning:/);
  });

  it('the deny-access output the other way round: a forbid removed is flagged', () => {
    const plan = fixture('narrowed-approvals');
    const output = plan.output_changes!.just_in_time_deny_access_document!;
    const reversed = {
      ...plan,
      output_changes: { just_in_time_deny_access_document: { ...output, before: output.after, after: output.before } },
    };
    expect(denyAccessChanges(reversed)[0]!.dangers).toEqual([
      'forbid removed or narrowed: "No auto-approval on instances tagged DataClass = secret" no longer stops every request it stopped',
    ]);
  });

  it('a stack the plan creates: its documents shown as new, nothing widened (nothing was deployed)', () => {
    const rc = stackChange(fixture('widened-auto-approval'));
    const created = { ...rc, change: { ...rc.change, actions: ['create' as const], before: null } };
    const changes = approvalChanges(created);
    expect(changes.map((c) => [c.label, c.document, c.kind])).toEqual([
      ['auto-approval policy', 'SSM-JustInTimeAccessAutoApprovalPolicy', 'added'],
      ['manual approval policy', 'prod-platform-approval', 'added'],
    ]);
    expect(widenedApprovals(changes)).toEqual([]);
  });

  it('a template known only after apply is read from the configuration', () => {
    const rc = stackChange(fixture('widened-auto-approval'));
    const configuredBody = escapeTerraformTemplate(String(rc.change.after!.template_body));
    const unknown = {
      ...rc,
      change: {
        ...rc.change,
        after: { ...rc.change.after, template_body: undefined },
        after_unknown: { template_body: true },
      },
    };
    expect(approvalChanges(unknown)).toEqual([
      expect.objectContaining({
        kind: 'changed',
        note: expect.stringContaining('known only after apply'),
        dangers: [],
      }),
      expect.objectContaining({
        kind: 'changed',
        note: expect.stringContaining('known only after apply'),
        dangers: [],
      }),
    ]);
    const changes = approvalChanges(unknown, (r, attribute) =>
      r.address === rc.address && attribute === 'template_body' ? configuredBody : undefined,
    );
    expect(changes).toEqual([expect.objectContaining({ afterAsConfigured: true })]);
    expect(changes[0]!.dangers).toHaveLength(4);
  });

  it('a real offline plan of prod (Terraform normalizes the template): every document new, nothing widened', async () => {
    const plan = fixture('offline-approvals');
    const changes = approvalsOf(plan);
    expect(changes.map((c) => [c.address.replace(/_stack_.*/, ''), c.document, c.kind])).toEqual([
      [
        'aws_cloudformation_stack.just-in-time-approvals-eu-central-1',
        'SSM-JustInTimeAccessAutoApprovalPolicy',
        'added',
      ],
      ['aws_cloudformation_stack.just-in-time-approvals-eu-central-1', 'prod-platform-approval', 'added'],
      ['aws_cloudformation_stack.just-in-time-approvals-eu-west-1', 'SSM-JustInTimeAccessAutoApprovalPolicy', 'added'],
      ['aws_cloudformation_stack.just-in-time-approvals-eu-west-1', 'prod-platform-approval', 'added'],
      ['output.just_in_time_deny_access_document', 'SSM-JustInTimeAccessDenyAccessOrgPolicy', 'added'],
    ]);
    expect(changes[1]!.settings).toEqual([
      { setting: 'access duration (hours)', after: '4' },
      { setting: 'targets', after: 'InstanceIds = *' },
      { setting: 'minimum approvals', after: '1' },
    ]);
    expect(changes[0]!.cedar!.every((l) => l.op === '+')).toBe(true);
    expect(widenedApprovals(changes)).toEqual([]);
    expect(await report(plan)).not.toContain('CAUTION');
  });

  it('other stacks and unchanged stacks are not read', () => {
    const rc = stackChange(fixture('widened-auto-approval'));
    expect(approvalChanges({ ...rc, change: { ...rc.change, actions: ['no-op'] } })).toEqual([]);
    expect(approvalChanges({ ...rc, type: 'aws_s3_bucket' })).toEqual([]);
  });
});

describe('line diff', () => {
  it('keeps every line, removed ones before added ones', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
    expect(diffLines('', 'a')).toEqual([{ op: '+', text: 'a' }]);
  });
});

describe('the HTML report', () => {
  it('says each widening loudly and shows the Cedar diff', async () => {
    const html = renderHtml([
      await buildEnvironmentReport('prod', 'live', fixture('widened-auto-approval'), async () => ({})),
    ]);
    expect(html.match(/<p class="caution"><b>WIDENED<\/b>/g)).toHaveLength(4);
    expect(html).toContain('<h3>Approval policies</h3>');
    expect(html).toContain('<span class="removed">-unless {</span>');
  });

  it('flags nothing for a narrowing', async () => {
    const html = renderHtml([
      await buildEnvironmentReport('prod', 'live', fixture('narrowed-approvals'), async () => ({})),
    ]);
    expect(html).not.toContain('WIDENED');
    expect(html).toContain('access duration (hours): 4 -&gt; 2');
  });
});

describe('plan-report on the synthesized prod app', () => {
  it('reads a template known only after apply from cdk.tf.json and flags the permit it adds back', async () => {
    const { outdir } = synthesize(environmentSources.filter((s) => s.input.name === 'prod'));
    // Deployed: the narrowed policies (two attribute groups); planned: prod as configured (three).
    const narrowed = fixture('narrowed-approvals');
    const rc = stackChange(narrowed);
    const plan = {
      ...narrowed,
      output_changes: {},
      resource_changes: [
        {
          ...rc,
          change: {
            ...rc.change,
            before: { ...rc.change.before, template_body: rc.change.after!.template_body },
            after: { ...rc.change.after, template_body: undefined },
            after_unknown: { template_body: true },
          },
        },
      ],
    };
    const cwd = mkdtempSync(join(tmpdir(), 'ssm-fa-approvals-'));
    writeFileSync(join(cwd, 'prod.json'), JSON.stringify(plan));
    let stdout = '';
    let stderr = '';
    const code = await main(['plan-report', '--out', outdir, '--plan', 'prod=prod.json'], {
      cwd,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('| prod | 0 | 1 | 0 | 0 | 0 | 0 | **2** :warning: |');
    expect(stdout).toContain(
      'new permit: "Attribute rule, group 3: APP_ID = AppId3, STAGE = Stage3" approves requests without a person that no permit before approved.',
    );
    expect(stdout).toMatch(
      /\*\*auto-approval policy\*\* `SSM-JustInTimeAccessAutoApprovalPolicy` in `aws_cloudformation_stack\.[^`]+` \(changed\), as configured/,
    );
    expect(stdout).toContain('- `access duration (hours)`: `2` -> `4` :warning: **longer window');
  });
});
