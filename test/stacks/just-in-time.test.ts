import type { PolicyStatement } from '../../modules/core/policy-document';
import { cedarProblems } from '../../modules/just-in-time/cedar';
import { readPolicy, resourceAt, resourcesOfType, synthesize } from '../support/synth';
import { stackMatrix } from '../../cli/access/access-matrix';
import { evaluate } from '../support/policies';
import { planOffline } from '../support/terraform';
import { jit } from '../fixtures/environments/jit';

/**
 * The environment construct with `justInTime` (the wiring of addJustInTimeAccess), synthesized from
 * the just-in-time production fixture.
 */
describe('an environment in just-in-time mode', () => {
  const { stacks } = synthesize([{ file: 'test/fixtures/environments/jit.ts', input: jit }]);
  const stack = stacks.get('prod-jit')!;
  const actions = (statements: readonly PolicyStatement[]) => statements.flatMap((s) => [s.Action ?? []].flat());

  it('gives the federated role no ssm:StartSession, and the requester statements instead', () => {
    const policy = readPolicy(resourceAt(stack, 'aws_iam_role_policy', 'session-access/role-policy').policy);
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(actions(allows)).not.toContain('ssm:StartSession');
    // Only Denies name it: other regions, and the run-as guard.
    expect(policy.Statement.filter((s) => actions([s]).includes('ssm:StartSession')).map((s) => s.Sid)).toEqual([
      'DenySessionsOutsideTheRegions',
      'DenySessionsAsRefusedRunAsUsers',
    ]);
    expect(actions(policy.Statement)).toEqual(expect.arrayContaining(['ssm:StartAccessRequest', 'ssm:GetAccessToken']));
    const manual = policy.Statement.find((s) => s.Sid === 'StartManualApprovalWorkflows')!;
    // Every region by name; the Deny of other regions keeps requests and approvals to prod's.
    expect(manual.Resource).toEqual([
      'arn:aws:ssm:*:345678901234:document/prod-platform-approval',
      'arn:aws:ssm:*:345678901234:automation-execution/*',
    ]);
    const others = policy.Statement.find((s) => s.Sid === 'DenySessionsOutsideTheRegions')!;
    expect(others.Condition).toEqual({ StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } });
    expect(others.Action).toEqual(expect.arrayContaining(['ssm:StartAutomationExecution', 'ssm:GetAccessToken']));
    // The restricted tag decides approvals: nobody may change it through this role.
    const deny = policy.Statement.find((s) => s.Sid === 'DenyAccessTagChanges')!;
    expect(deny.Condition!['ForAnyValue:StringEqualsIgnoreCase']!['aws:TagKeys']).toContain('Restricted');
  });

  it('deploys the approval policies in every region through CloudFormation, never as aws_ssm_document', () => {
    const cfn = Object.values(resourcesOfType(stack, 'aws_cloudformation_stack')) as {
      provider?: string;
      template_body: string;
    }[];
    expect(cfn.map((c) => c.provider ?? 'aws').sort()).toEqual(['aws', 'aws.eu-central-1']);
    for (const c of cfn) {
      const template = JSON.parse(c.template_body);
      expect(Object.keys(template.Resources)).toEqual(['AutoApprovalPolicy', 'ManualApprovalprodplatformapproval']);
      const cedar = template.Resources.AutoApprovalPolicy.Properties.Content.AutoApprovalPolicyDocuments[0].content;
      expect(cedarProblems(cedar)).toEqual([]);
      expect(cedar.match(/^permit \(/gm)).toHaveLength(3);
    }
    const documents = Object.values(resourcesOfType(stack, 'aws_ssm_document')) as { document_type: string }[];
    expect(documents.map((d) => d.document_type)).toEqual(['Session', 'Session']);
  });

  it('outputs the deny-access document for the delegated administrator account, and the break-glass role', () => {
    const outputs = stack.json.output as Record<string, { value: unknown }>;
    const deny = JSON.parse(outputs.just_in_time_deny_access_document!.value as string);
    expect(deny.AutoApprovalPolicyDocuments[0].content).toMatch(
      /^\/\/ No auto-approval on instances tagged Restricted = true\nforbid/,
    );
    expect(outputs.break_glass_role_arn!.value).toMatch(/^\$\{aws_iam_role\.break-glass_role_[\w]+\.arn\}$/);
  });

  it("gives the break-glass role standing sessions, trusting the environment's SAML provider with session tags", () => {
    const role = resourceAt(stack, 'aws_iam_role', 'break-glass/role');
    expect(role.name).toBe('prod-jit-break-glass');
    const trust = readPolicy(role.assume_role_policy);
    expect(trust.Statement.map((s) => s.Action)).toEqual([
      ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'],
    ]);
    const policy = readPolicy(resourceAt(stack, 'aws_iam_role_policy', 'break-glass/session-access').policy);
    expect(actions(policy.Statement)).toContain('ssm:StartSession');
    expect(actions(policy.Statement)).not.toContain('ssm:StartAccessRequest');
    // No tag decides: no principal tag but the run-as one, no instance tag.
    expect(JSON.stringify(policy)).not.toMatch(/resourceTag\/(?!aws:ssmmessages)|PrincipalTag\/(?!SSMSessionRunAs)/);
  });

  it('alarms on sign-ins in us-east-1, the regions of console sign-ins and its own, and on sessions in its own', () => {
    const rules = Object.values(resourcesOfType(stack, 'aws_cloudwatch_event_rule')) as {
      name: string;
      provider?: string;
      state?: string;
    }[];
    const breakGlass = rules.filter((r) => r.name.includes('break-glass'));
    const where = (suffix: string) =>
      breakGlass
        .filter((r) => r.name === `prod-jit-break-glass-${suffix}`)
        .map((r) => r.provider ?? 'aws')
        .sort();
    const everyRegion = [
      'aws',
      'aws.ap-southeast-2',
      'aws.eu-central-1',
      'aws.eu-north-1',
      'aws.us-east-1',
      'aws.us-east-2',
    ];
    expect(where('sign-in')).toEqual(everyRegion);
    expect(where('console-sign-in')).toEqual(everyRegion);
    expect(where('session')).toEqual(['aws', 'aws.eu-central-1']);
    expect(
      breakGlass.filter((r) => r.name.endsWith('-sign-in') && !r.name.endsWith('console-sign-in')).map((r) => r.state),
    ).toEqual(Array(6).fill('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'));
    // A provider per alarm-only region, aliased by its name, and nothing else of the environment there.
    const providers = (stack.json.provider as { aws: { alias?: string; region: string }[] }).aws;
    expect(providers.map((p) => p.alias ?? p.region).sort()).toEqual([
      'ap-southeast-2',
      'eu-central-1',
      'eu-north-1',
      'eu-west-1',
      'us-east-1',
      'us-east-2',
    ]);
    const documents = Object.values(resourcesOfType(stack, 'aws_ssm_document')) as { provider?: string }[];
    expect(documents.map((d) => d.provider ?? 'aws').sort()).toEqual(['aws', 'aws.eu-central-1']);
  });

  it('passes the access review: no direct session anywhere, requests in the account only', async () => {
    const { access, cases } = stackMatrix(stack);
    expect(access.model.sessionPolicy.accessMode).toBe('just-in-time');
    const start = cases.filter((c) => c.area === 'start session' || c.area === 'documents');
    expect(start.length).toBeGreaterThan(0);
    expect(start.filter((c) => c.action === 'ssm:StartSession' && c.expected === 'Allowed')).toEqual([]);
    const requests = cases.filter((c) => c.area === 'request access');
    expect(requests.map((c) => c.expected).sort()).toEqual([
      'Allowed',
      'Allowed',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
    ]);
    const wrong: string[] = [];
    for (const c of cases) {
      const evaluation = await evaluate(c.simulation, c.unsafe ? { unsafe: true } : {});
      if (evaluation.decision !== c.expected) wrong.push(`${c.area}: ${c.description}: ${evaluation.decision}`);
      else if (c.expectedSid && !evaluation.deciding.includes(c.expectedSid))
        wrong.push(`${c.description}: decided by ${evaluation.deciding.join(', ')}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('shows the break-glass role in the review: sessions without an approval, alarmed in every region', async () => {
    const { access, cases } = stackMatrix(stack);
    expect(access.model.breakGlass).toEqual({
      roleName: 'prod-jit-break-glass',
      regions: ['eu-west-1', 'eu-central-1'],
      requireRunAsTag: true,
      alarmedRegions: ['eu-central-1', 'eu-west-1'],
    });
    const emergency = cases.filter((c) => c.area === 'break glass');
    // Every instance of the environment's regions, untagged; nothing outside.
    expect(emergency.filter((c) => c.expected === 'Allowed').map((c) => c.resource)).toEqual([
      'arn:aws:ec2:eu-west-1:345678901234:instance/i-0123456789abcdef0',
      'arn:aws:ec2:eu-central-1:345678901234:instance/i-0123456789abcdef0',
      'arn:aws:ssm:eu-west-1:345678901234:managed-instance/mi-0123456789abcdef0',
      'arn:aws:ssm:eu-west-1:345678901234:document/SSM-SessionManagerRunShell',
    ]);
    expect(emergency.filter((c) => c.expected !== 'Allowed').map((c) => c.description)).toEqual([
      'refused: an instance of another account',
      'refused: an instance in ap-southeast-2, outside the environment',
      'refused: the AWS-StartSSHSession document',
      'refused: a command on an instance (ssm:SendCommand)',
      'refused: a session without the SSMSessionRunAs tag',
    ]);
    expect(emergency[0].principal).toContain('alarmed in eu-central-1, eu-west-1');
    for (const c of emergency) {
      await expect(evaluate(c.simulation, c.unsafe ? { unsafe: true } : {}).then((e) => e.decision)).resolves.toBe(
        c.expected,
      );
    }
  });

  it('validates and plans offline', () => {
    const { validate, plan } = planOffline(stack.dir, stack.json);
    expect(validate).toMatch(/Success! The configuration is valid/);
    expect(plan).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
  }, 180_000);
});

describe('an environment on the step before the move (standing, with justInTime)', () => {
  const input = { ...jit, name: 'prod-step', access: { ...jit.access, mode: 'standing' as const } };
  const { stacks } = synthesize([{ file: 'test/fixtures/environments/jit.ts', input }]);
  const stack = stacks.get('prod-step')!;

  it('keeps direct sessions and adds requests, with the approval policies deployed', () => {
    const policy = readPolicy(resourceAt(stack, 'aws_iam_role_policy', 'session-access/role-policy').policy);
    const actions = policy.Statement.flatMap((s) => [s.Action ?? []].flat());
    expect(actions).toEqual(
      expect.arrayContaining(['ssm:StartSession', 'ssm:StartAccessRequest', 'ssm:GetAccessToken']),
    );
    expect(Object.keys(resourcesOfType(stack, 'aws_cloudformation_stack'))).toHaveLength(2);
  });
});
