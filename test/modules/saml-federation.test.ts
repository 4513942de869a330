import { Testing, TerraformStack } from 'cdktf';
import { MODULE_FIXTURE_SOURCE } from '../fixtures/environments/module-fixtures';
import { IDP_METADATA } from '../support/saml-metadata';
import { validated } from '../support/validation';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { SamlFederation, type SamlFederationProps } from '../../modules/saml-federation/saml-federation';
import { decide, decideUnsafe } from '../support/iam';
import { readPolicy, synthesize } from '../support/synth';

const ACCOUNT = '111111111111';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleAdfs`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/SsmFederatedShell`;
const AUDIENCE = 'https://signin.aws.amazon.com/saml';

const props: SamlFederationProps = {
  accountId: ACCOUNT,
  providerName: 'ExampleAdfs',
  metadataXml: IDP_METADATA,
  roleName: 'SsmFederatedShell',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function synthFederation(overrides: Partial<SamlFederationProps> = {}): any {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  validated(() => new SamlFederation(stack, 'federation', { ...props, ...overrides }));
  return JSON.parse(Testing.synth(stack));
}

describe('SamlFederation resources', () => {
  it('creates the provider from the metadata and a role with a bounded session', () => {
    const json = synthFederation({ maxSessionDurationHours: 4 });
    const [provider] = Object.values(json.resource.aws_iam_saml_provider) as {
      name: string;
      saml_metadata_document: string;
    }[];
    const [role] = Object.values(json.resource.aws_iam_role) as {
      name: string;
      max_session_duration: number;
      depends_on: string[];
    }[];
    expect(provider.name).toBe('ExampleAdfs');
    expect(provider.saml_metadata_document).toBe(props.metadataXml);
    expect(role.name).toBe('SsmFederatedShell');
    expect(role.max_session_duration).toBe(4 * 3600);
    expect(role.depends_on).toEqual([expect.stringMatching(/^aws_iam_saml_provider\./)]);
  });

  it('defaults the session to one hour', () => {
    const json = synthFederation();
    const [role] = Object.values(json.resource.aws_iam_role) as { max_session_duration: number }[];
    expect(role.max_session_duration).toBe(3600);
  });

  it('escapes template sequences in the metadata so Terraform reads it verbatim', () => {
    const json = synthFederation({ metadataXml: `${props.metadataXml}<!-- \${x} %{y} -->` });
    const [provider] = Object.values(json.resource.aws_iam_saml_provider) as { saml_metadata_document: string }[];
    expect(provider.saml_metadata_document).toContain('$${x} %%{y}');
  });

  it('reports every problem of its props when the app is validated', () => {
    expect(() => synthFederation({ roleName: 'bad role', maxSessionDurationHours: 24 })).toThrow(
      /roleName must be a valid IAM role name[\s\S]*maxSessionDurationHours must be a whole number/,
    );
    expect(() => synthFederation({ roleName: 'bad role' })).toThrow(
      'test/federation: roleName must be a valid IAM role name',
    );
    expect(() => synthFederation({ maxSessionDurationHours: 24 })).toThrow(
      'maxSessionDurationHours must be a whole number of hours from 1 to 12',
    );
    expect(() => synthFederation({ metadataXml: '<x/>' })).toThrow(
      'metadataXml must be a metadata document of 1,000 to 10,000,000 characters',
    );
  });

  // IAM's CreateSAMLProvider refuses these at apply; the synth reports them first.
  const withoutIdp = IDP_METADATA.replace(/IDPSSODescriptor/g, 'SPSSODescriptor');
  // Padded back over IAM's 1,000-character minimum, which the certificate alone made up.
  const withoutCertificate = IDP_METADATA.replace(/<(\w+:)?KeyDescriptor[\s\S]*?<\/(\w+:)?KeyDescriptor>/g, '').replace(
    /(<\/(\w+:)?EntityDescriptor>)/,
    `<!--${' '.repeat(1000)}-->$1`,
  );
  const encryptionKeyOnly = IDP_METADATA.replace(/use="signing"/g, 'use="encryption"');
  it.each([
    [
      "no IDPSSODescriptor (a service provider's metadata)",
      withoutIdp,
      'metadataXml must describe an identity provider',
    ],
    ['no signing certificate', withoutCertificate, "metadataXml must hold the IdP's signing certificate"],
    ['only an encryption key', encryptionKeyOnly, "metadataXml must hold the IdP's signing certificate"],
  ])('refuses metadata with %s', (_label, metadataXml, message) => {
    expect(withoutIdp).not.toContain('IDPSSODescriptor');
    expect(withoutCertificate).not.toContain('X509Certificate');
    expect(() => synthFederation({ metadataXml })).toThrow(message);
  });

  it('refuses a principal tag name with a space', () => {
    expect(() => synthFederation({ principalTagNames: ['App Id'] })).toThrow(
      'principalTagNames.0 must be a tag key without spaces',
    );
  });

  it('gives the IdP administrator the Role attribute pair and the tag attribute names', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const federation = new SamlFederation(stack, 'federation', { ...props, principalTagNames: ['AppId'] });
    expect(federation.idpConfiguration).toEqual({
      roleAttribute: { name: 'https://aws.amazon.com/SAML/Attributes/Role', value: `${ROLE_ARN},${PROVIDER_ARN}` },
      roleSessionNameAttribute: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
      sourceIdentityAttribute: 'https://aws.amazon.com/SAML/Attributes/SourceIdentity',
      principalTagAttributes: [
        'https://aws.amazon.com/SAML/Attributes/PrincipalTag:SSMSessionRunAs',
        'https://aws.amazon.com/SAML/Attributes/PrincipalTag:AppId',
      ],
    });
  });
});

describe('trust policy, as synthesized, evaluated by an IAM evaluator', () => {
  let trust: PolicyDocument;
  let trustWithoutRunAs: PolicyDocument;

  beforeAll(() => {
    const { stacks } = synthesize([MODULE_FIXTURE_SOURCE]);
    const roles = stacks.get(MODULE_FIXTURE_SOURCE.input.name)!.json.resource.aws_iam_role;
    const federatedRole = Object.values(roles).find((r) => (r as { name: string }).name === 'SsmFederatedShell') as {
      assume_role_policy: string;
    };
    trust = readPolicy(federatedRole.assume_role_policy);
    const [role] = Object.values(synthFederation({ requireRunAsTag: false }).resource.aws_iam_role) as {
      assume_role_policy: string;
    }[];
    trustWithoutRunAs = readPolicy(role.assume_role_policy);
  });

  function assume(
    policy: PolicyDocument,
    {
      action = 'sts:AssumeRoleWithSAML',
      provider = PROVIDER_ARN,
      audience = AUDIENCE,
      runAs = 'alice' as string | null,
    } = {},
  ) {
    return decide({
      request: {
        principal: provider,
        action,
        resource: { resource: ROLE_ARN, accountId: ACCOUNT },
        contextVariables: {
          'saml:aud': audience,
          ...(runAs === null ? {} : { 'aws:RequestTag/SSMSessionRunAs': runAs, 'aws:TagKeys': ['SSMSessionRunAs'] }),
        },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    });
  }

  it('has exactly one statement with the three actions (source identity allowed by default)', () => {
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Action).toEqual(['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity']);
  });

  it.each(['sts:AssumeRoleWithSAML', 'sts:TagSession'])(
    'allows %s from this provider, for sign-in, with a run-as tag',
    async (action) => {
      await expect(assume(trust, { action })).resolves.toBe('Allowed');
    },
  );

  it('denies another SAML provider', async () => {
    await expect(assume(trust, { provider: `arn:aws:iam::${ACCOUNT}:saml-provider/Other` })).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('denies another audience', async () => {
    await expect(assume(trust, { audience: 'https://example.com/saml' })).resolves.toBe('ImplicitlyDenied');
  });

  it.each(['sts:AssumeRoleWithSAML', 'sts:TagSession'])('denies %s without a run-as tag', async (action) => {
    await expect(assume(trust, { action, runAs: null })).resolves.toBe('ImplicitlyDenied');
  });

  it('denies an empty run-as tag', async () => {
    await expect(assume(trust, { runAs: '' })).resolves.toBe('ImplicitlyDenied');
  });

  it('with run-as off, allows a session without the tag', async () => {
    await expect(assume(trustWithoutRunAs, { runAs: null })).resolves.toBe('Allowed');
  });
});

describe('source identity, evaluated on the trust policy', () => {
  const trustWith = (sourceIdentity: SamlFederationProps['sourceIdentity']) => {
    const [role] = Object.values(synthFederation({ sourceIdentity }).resource.aws_iam_role) as {
      assume_role_policy: string;
    }[];
    return readPolicy(role.assume_role_policy);
  };
  const signIn = (policy: PolicyDocument, action: string, sourceIdentity: string | null, provider = PROVIDER_ARN) =>
    // AWS authorizes sts:TagSession and sts:SetSourceIdentity in the AssumeRoleWithSAML request's
    // context (saml:aud included), which the evaluator's per-action key list does not know: run
    // those unvalidated. Both sides are asserted, so a dropped key would fail the allowed cases.
    (action === 'sts:AssumeRoleWithSAML' ? decide : decideUnsafe)({
      request: {
        principal: provider,
        action,
        resource: { resource: ROLE_ARN, accountId: ACCOUNT },
        contextVariables: {
          'saml:aud': AUDIENCE,
          'aws:RequestTag/SSMSessionRunAs': 'alice',
          'aws:TagKeys': ['SSMSessionRunAs'],
          ...(sourceIdentity === null ? {} : { 'sts:SourceIdentity': sourceIdentity }),
        },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    });

  it('allowed (the default): the IdP may set it, and a sign-in without it still works', async () => {
    const trust = trustWith(undefined);
    await expect(signIn(trust, 'sts:SetSourceIdentity', 'alice@example.com')).resolves.toBe('Allowed');
    await expect(signIn(trust, 'sts:AssumeRoleWithSAML', null)).resolves.toBe('Allowed');
    await expect(
      signIn(trust, 'sts:SetSourceIdentity', 'alice@example.com', `arn:aws:iam::${ACCOUNT}:saml-provider/Other`),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('required: a sign-in without a source identity, or with an empty one, is refused', async () => {
    const trust = trustWith('required');
    for (const action of ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity']) {
      await expect(signIn(trust, action, 'alice@example.com')).resolves.toBe('Allowed');
      await expect(signIn(trust, action, null)).resolves.toBe('ImplicitlyDenied');
      await expect(signIn(trust, action, '')).resolves.toBe('ImplicitlyDenied');
    }
  });

  it('off: setting one is refused, and the IdP is not told to send it', async () => {
    const trust = trustWith('off');
    await expect(signIn(trust, 'sts:SetSourceIdentity', 'alice@example.com')).resolves.toBe('ImplicitlyDenied');
    await expect(signIn(trust, 'sts:AssumeRoleWithSAML', null)).resolves.toBe('Allowed');
    const stack = new TerraformStack(Testing.app(), 'off');
    const federation = new SamlFederation(stack, 'federation', { ...props, sourceIdentity: 'off' });
    expect(federation.idpConfiguration.sourceIdentityAttribute).toBeUndefined();
  });

  it('rejects an unknown mode', () => {
    const stack = new TerraformStack(Testing.app(), 'bad');
    expect(() =>
      validated(() => new SamlFederation(stack, 'federation', { ...props, sourceIdentity: 'sometimes' as 'off' })),
    ).toThrow(/sourceIdentity must be "off", "allowed" or "required"/);
  });
});
