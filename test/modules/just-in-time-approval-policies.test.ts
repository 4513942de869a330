import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import {
  JustInTimeApprovalPolicies,
  type JustInTimeApprovalPoliciesProps,
} from '../../modules/just-in-time/just-in-time-approval-policies';
import * as cedar from '../../modules/just-in-time/cedar';
import { cedarProblems } from '../../modules/just-in-time/cedar';
import { InvalidConstruct, validated } from '../support/validation';

const attributes = { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 2 };
const platform = {
  name: 'prod-platform-approval',
  targets: 'all' as const,
  approvers: [{ type: 'SSOGroup' as const, name: 'a1b2c3d4-platform' }],
  minRequiredApprovals: 1,
  accessDurationHours: 4,
};
const props: JustInTimeApprovalPoliciesProps = {
  region: 'eu-west-1',
  environmentName: 'prod',
  autoApproval: { attributeRule: attributes, exceptWhenTagged: { key: 'Restricted', value: 'true' } },
  manualApprovals: [platform],
  denyAccess: [{ tagKey: 'Restricted', values: ['true'] }],
};

function build(overrides: Partial<JustInTimeApprovalPoliciesProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const policies = validated(
    () => new JustInTimeApprovalPolicies(stack, 'approvals', { provider, ...props, ...overrides }),
  );
  return { stack, policies };
}

interface SynthStack {
  resource: { aws_cloudformation_stack?: Record<string, { name: string; template_body: string }> };
  [key: string]: unknown;
}

describe('JustInTimeApprovalPolicies', () => {
  it('manages the documents through one CloudFormation stack, never an aws_ssm_document', () => {
    const { stack } = build();
    const synthesized = JSON.parse(Testing.synth(stack)) as SynthStack;
    expect(Object.keys(synthesized.resource)).toEqual(['aws_cloudformation_stack']);
    const [cfn] = Object.values(synthesized.resource.aws_cloudformation_stack!);
    expect(cfn!.name).toBe('prod-just-in-time-approvals');
    const template = JSON.parse(cfn!.template_body);
    expect(Object.keys(template.Resources)).toEqual(['AutoApprovalPolicy', 'ManualApprovalprodplatformapproval']);
    expect(template.Resources.AutoApprovalPolicy).toMatchObject({
      Type: 'AWS::SSM::Document',
      Properties: {
        Name: 'SSM-JustInTimeAccessAutoApprovalPolicy',
        DocumentType: 'AutoApprovalPolicy',
        DocumentFormat: 'YAML',
        UpdateMethod: 'NewVersion',
      },
    });
  });

  it('writes the auto-approval document AWS expects: schema 0.3, the token role, one hour, Cedar that validates', () => {
    const { policies } = build();
    const content = policies.template.Resources.AutoApprovalPolicy!.Properties.Content as {
      AutoApprovalPolicyDocuments: { type: string; content: string }[];
    };
    expect(content).toMatchObject({
      schemaVersion: '0.3',
      accessTokenRole: 'SSM-JustInTimeAccessTokenRole',
      accessDuration: 3600,
    });
    expect(content.AutoApprovalPolicyDocuments).toHaveLength(1);
    expect(content.AutoApprovalPolicyDocuments[0]!.type).toBe('Cedar');
    expect(cedarProblems(content.AutoApprovalPolicyDocuments[0]!.content)).toEqual([]);
    expect(content.AutoApprovalPolicyDocuments[0]!.content).toBe(policies.autoApprovalCedar);
  });

  it('writes each manual approval document with its window, targets and aws:approve step', () => {
    const tagged = {
      ...platform,
      name: 'prod-db-approval',
      targets: [{ tagKey: 'Tier', values: ['db'] }],
      minRequiredApprovals: 2,
      approvers: [...platform.approvers, { type: 'SSOUser' as const, name: 'u-1' }],
    };
    const { policies } = build({ manualApprovals: [tagged, platform] });
    const content = policies.template.Resources.ManualApprovalproddbapproval!.Properties.Content;
    // The content as it would read in YAML, round-tripped through the YAML parser.
    expect(parse(JSON.stringify(content))).toEqual({
      schemaVersion: '0.3',
      description: 'Manual approval for Tier = db',
      accessTokenRole: 'SSM-JustInTimeAccessTokenRole',
      accessDuration: 14400,
      targets: [{ Key: 'tag:Tier', Values: ['db'] }],
      mainSteps: [
        {
          name: 'ManualApproval',
          action: 'aws:approve',
          timeoutSeconds: 604800,
          inputs: {
            Message: 'Access request for Tier = db',
            MinRequiredApprovals: 2,
            EnhancedApprovals: {
              Approvers: [
                { approver: 'a1b2c3d4-platform', type: 'SSOGroup' },
                { approver: 'u-1', type: 'SSOUser' },
              ],
            },
          },
        },
      ],
    });
    expect(policies.manualApprovalDocumentNames).toEqual(['prod-db-approval', 'prod-platform-approval']);
  });

  it('builds the deny-access document as data only (it belongs to the delegated administrator account)', () => {
    const { policies, stack } = build();
    expect(policies.denyAccessCedar).toMatch(/^\/\/ No auto-approval on instances tagged Restricted = true\nforbid \(/);
    const content = JSON.parse(policies.denyAccessDocumentJson);
    expect(content.AutoApprovalPolicyDocuments[0].content).toBe(policies.denyAccessCedar);
    expect(Testing.synth(stack)).not.toContain('SSM-JustInTimeAccessDenyAccessOrgPolicy');
  });

  it('creates nothing when there is nothing to deploy in the account', () => {
    const { policies, stack } = build({ autoApproval: {}, manualApprovals: [] });
    expect(policies.stack).toBeUndefined();
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });

  it('synthesizes the same bytes twice', () => {
    expect(Testing.synth(build().stack)).toBe(Testing.synth(build().stack));
  });

  it('refuses manual policies that can match one node, and names that collide as CloudFormation ids', () => {
    expect(() => build({ manualApprovals: [platform, { ...platform, name: 'other' }] })).toThrow(
      /approvals: manualApprovals\.1\.targets must not be able to match a node that manualApprovals\.0 \("prod-platform-approval"\) matches: both target every node/,
    );
    expect(() =>
      build({
        manualApprovals: [
          { ...platform, name: 'a-b', targets: [{ tagKey: 'Tier', values: ['x'] }] },
          { ...platform, name: 'ab', targets: [{ tagKey: 'Tier', values: ['y'] }] },
        ],
      }),
    ).toThrow(/manualApprovals\.1\.name must differ from manualApprovals\.0 in more than punctuation/);
  });

  it('refuses at synth time Cedar that does not validate, naming the field', () => {
    // The compiler only writes valid Cedar; stand in a broken one to prove the gate is there.
    const spy = jest
      .spyOn(cedar, 'autoApprovalCedar')
      .mockReturnValue('permit (principal, action, resource) when { resource.getTag("APP_ID") == "x" };');
    try {
      expect(() => build()).toThrow(InvalidConstruct);
      expect(() => build()).toThrow(
        /approvals: autoApproval must compile to Cedar that validates strictly .* \(got "policy0: for policy `policy0`, unable to guarantee safety of access to tag/,
      );
    } finally {
      spy.mockRestore();
    }
    expect(() => build()).not.toThrow();
  });
});
