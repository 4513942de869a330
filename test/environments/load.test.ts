import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  type EnvironmentInput,
  environmentSources,
  loadEnvironment,
  loadEnvironments,
} from '../../environments';
import { example } from '../../environments/example';
import { DEFAULT_DENIED_RUN_AS_USERS } from '../../modules/core/run-as-guard';

const FILE = 'environments/test.ts';

/** The example environment with some fields replaced. */
function withChanges(change: (input: EnvironmentInput) => void): EnvironmentInput {
  const input = structuredClone(example);
  change(input);
  return input;
}

/** The problems a broken input produces, as printed lines. */
function problemsOf(input: unknown): string[] {
  try {
    loadEnvironment({ file: FILE, input: input as EnvironmentInput });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  return [];
}

function metadataFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-idp-'));
  const path = join(dir, 'metadata.xml');
  writeFileSync(path, content);
  return path;
}

/** A self-signed test certificate (base64 DER), from the metadata fixtures. */
const CERTIFICATE = readFileSync(
  join(__dirname, '..', 'fixtures', 'saml-metadata', 'entities-wrapper.xml'),
  'utf8',
).match(/<ds:X509Certificate>([^<]+)</)![1];

const validMetadata = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${CERTIFICATE}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
  <!-- ${'padding '.repeat(130)} -->
</md:EntityDescriptor>`;

describe('shipped environments', () => {
  it('all validate', () => {
    const configs = loadEnvironments(environmentSources);
    expect(configs.map((c) => c.name)).toEqual(['example', 'dev', 'prod']);
  });

  it('example demonstrates every feature', () => {
    const config = loadEnvironment(environmentSources[0]);
    expect(config.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(config.runAs).toEqual({
      enabled: true,
      defaultUser: 'ec2-user',
      allowSharedDefaultUser: false,
      deniedUsers: [...DEFAULT_DENIED_RUN_AS_USERS],
    });
    expect(config.access).toMatchObject({
      ownerRule: true,
      attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 2 },
      sshEnabled: true,
      portForwardingEnabled: false,
    });
    expect(config.launchTagger.launcherRoleNames).toEqual(['ServiceWorkbenchLauncher']);
    expect(config.samlMetadataXml?.length).toBeGreaterThanOrEqual(1000);
  });

  it('prod has two regions and no SSH', () => {
    const prod = loadEnvironments(environmentSources).find((c) => c.name === 'prod');
    expect(prod?.regions).toHaveLength(2);
    expect(prod?.access.sshEnabled).toBe(false);
  });
});

describe('environment rules: each names file, field, value and fix', () => {
  it('accepts the example', () => {
    expect(problemsOf(example)).toEqual([]);
  });

  it.each([
    ['short', '12345678901'],
    ['letters', '12345678901a'],
    ['a number', 123456789012],
  ])('account id: rejects %s', (_label, accountId) => {
    const [line] = problemsOf(withChanges((i) => Object.assign(i, { accountId })));
    expect(line).toContain(`${FILE}: accountId must be a 12-digit AWS account id`);
    expect(line).toContain(`(got ${JSON.stringify(accountId)})`);
  });

  it('account id: keeps leading zeros', () => {
    expect(problemsOf(withChanges((i) => (i.accountId = '000123456789')))).toEqual([]);
  });

  it('regions: rejects an unknown primary region', () => {
    expect(problemsOf(withChanges((i) => Object.assign(i, { primaryRegion: 'eu-westeros-1' })))).toEqual([
      `${FILE}: primaryRegion must be an AWS region name such as "eu-west-1". Use a region of the aws partition (got "eu-westeros-1")`,
    ]);
  });

  it('regions: rejects an unknown further region, naming its index', () => {
    const lines = problemsOf(
      withChanges((i) => Object.assign(i, { additionalRegions: ['us-east-1', 'mars-north-1'] })),
    );
    expect(lines).toEqual([expect.stringContaining(`${FILE}: additionalRegions.1 must be an AWS region name`)]);
  });

  it('regions: rejects a duplicate, also of the primary', () => {
    expect(problemsOf(withChanges((i) => (i.additionalRegions = ['eu-west-1'])))).toEqual([
      `${FILE}: additionalRegions.0 must not repeat a region (primary or additional). Remove the duplicate "eu-west-1" (got "eu-west-1")`,
    ]);
    expect(problemsOf(withChanges((i) => (i.additionalRegions = ['us-east-1', 'us-east-1'])))).toHaveLength(1);
    expect(problemsOf(withChanges((i) => (i.additionalRegions = ['us-east-1', 'us-west-2'])))).toEqual([]);
  });

  it.each([
    ['too long', 'r'.repeat(65)],
    ['a space', 'my role'],
    ['empty', ''],
  ])('role name: rejects %s', (_label, roleName) => {
    const lines = problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.roleName = roleName)));
    expect(lines).toEqual([expect.stringContaining(`${FILE}: identity.roleName must be a valid IAM role name`)]);
  });

  it('role name: accepts 64 characters and +=,.@_-', () => {
    expect(
      problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.roleName = 'r'.repeat(64)))),
    ).toEqual([]);
    expect(problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.roleName = 'a+=,.@_-b')))).toEqual(
      [],
    );
  });

  it('provider name: rejects characters IAM refuses, accepts ._-', () => {
    expect(
      problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.providerName = 'corp/adfs'))),
    ).toEqual([expect.stringContaining(`${FILE}: identity.providerName must be a valid IAM SAML provider name`)]);
    expect(
      problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.providerName = 'corp.adfs_2-x'))),
    ).toEqual([]);
  });

  it.each([0, 13, 1.5])('session duration: rejects %p hours', (hours) => {
    const lines = problemsOf(
      withChanges((i) => i.identity.type === 'saml' && (i.identity.maxSessionDurationHours = hours)),
    );
    expect(lines).toEqual([
      `${FILE}: identity.maxSessionDurationHours must be a whole number of hours from 1 to 12 (IAM allows 1-12 hours). Pick a value in that range (got ${hours})`,
    ]);
  });

  it.each([1, 12])('session duration: accepts %p hours', (hours) => {
    expect(
      problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.maxSessionDurationHours = hours))),
    ).toEqual([]);
  });

  it.each(['root', 'Alice', '1user', 'a'.repeat(33), 'bad user'])('run-as user: rejects %p', (user) => {
    expect(problemsOf(withChanges((i) => (i.runAs = { enabled: true, defaultUser: user })))).toEqual([
      expect.stringContaining(`${FILE}: runAs.defaultUser must be a Linux user name other than root`),
    ]);
  });

  it.each(['ec2-user', 'ubuntu', '_svc', 'a'.repeat(32)])('run-as user: accepts %p', (user) => {
    expect(problemsOf(withChanges((i) => (i.runAs = { enabled: true, defaultUser: user })))).toEqual([]);
  });

  it('run-as user: required when run-as is on, not when off', () => {
    expect(problemsOf(withChanges((i) => (i.runAs = { enabled: true })))).toEqual([
      expect.stringContaining(`${FILE}: runAs.defaultUser must name a default OS user when run-as is enabled`),
    ]);
    expect(problemsOf(withChanges((i) => (i.runAs = { enabled: false, allowSharedDefaultUser: true })))).toEqual([]);
  });

  it('run-as off: sessions would run as the shared ssm-user, so it needs the explicit opt-in', () => {
    expect(problemsOf(withChanges((i) => (i.runAs = { enabled: false })))).toEqual([
      expect.stringContaining(`${FILE}: runAs.enabled must be true unless runAs.allowSharedDefaultUser is true`),
    ]);
  });

  it('metadata: rejects what IAM would refuse at apply (no IDPSSODescriptor, no signing certificate)', () => {
    const noIdp = metadataFile(validMetadata.replace(/IDPSSODescriptor/g, 'SPSSODescriptor'));
    expect(problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = noIdp)))).toEqual([
      expect.stringContaining(
        `${FILE}: identity.metadataFile must describe an identity provider, but it is a service provider's metadata`,
      ),
    ]);
    const noCertificate = metadataFile(validMetadata.replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, ''));
    expect(
      problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = noCertificate))),
    ).toEqual([expect.stringContaining("identity.metadataFile must hold the IdP's signing certificate")]);
  });

  it('tag keys the access rules compare: no spaces (they become IAM condition keys and SAML attribute names)', () => {
    expect(
      problemsOf(
        withChanges(
          (i) =>
            (i.access = { ...i.access, attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP ID' }] } }),
        ),
      ),
    ).toEqual([
      expect.stringContaining(`${FILE}: access.attributeRule.tags.0.instanceTag must be a tag key without spaces`),
    ]);
  });

  it.each([
    'xn--example-logs',
    'sthree-logs',
    'amzn-s3-demo-logs',
    'logs-s3alias',
    'logs--ol-s3',
    'logs.mrap',
    'a.-b',
    'a-.b',
  ])('central bucket name: rejects %s (reserved by S3, or not DNS-compatible)', (name) => {
    expect(
      problemsOf(
        withChanges(
          (i) =>
            (i.logging = {
              ...i.logging,
              centralBucket: {
                name,
                kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/mrk-0123456789abcdef0123456789abcdef',
              },
            }),
        ),
      ),
    ).toEqual([expect.stringContaining(`${FILE}: logging.centralBucket.name must be an S3 bucket name`)]);
  });

  it('metadata: rejects a missing file', () => {
    const lines = problemsOf(
      withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = 'environments/idp/nope.xml')),
    );
    expect(lines).toEqual([
      expect.stringMatching(/identity\.metadataFile must name a readable IdP metadata XML file \(ENOENT/),
    ]);
  });

  it('metadata: rejects fewer than 1,000 characters', () => {
    const path = metadataFile('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>');
    const lines = problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = path)));
    expect(lines).toEqual([
      expect.stringContaining('identity.metadataFile must name a metadata document of 1,000 to 10,000,000 characters'),
    ]);
  });

  it('metadata: rejects more than 10,000,000 characters', () => {
    const path = metadataFile(validMetadata.replace('padding', 'x'.repeat(10_000_000)));
    const lines = problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = path)));
    expect(lines).toEqual([expect.stringContaining('but it has 10,00')]);
  });

  it('metadata: rejects malformed XML with its line', () => {
    const path = metadataFile(validMetadata.replace('</md:IDPSSODescriptor>', '</md:IDPSSO>'));
    const lines = problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = path)));
    expect(lines).toEqual([expect.stringMatching(/identity\.metadataFile must name well-formed XML: .* at line 8/)]);
  });

  it('metadata: rejects a root other than EntityDescriptor', () => {
    const path = metadataFile(validMetadata.replace(/md:EntityDescriptor/g, 'md:AffiliationDescriptor'));
    const lines = problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = path)));
    expect(lines).toEqual([
      expect.stringContaining('whose root element is an EntityDescriptor, found md:AffiliationDescriptor'),
    ]);
  });

  it.each<[string, string, string]>([
    [
      'a bare public key',
      'bare-public-key.xml',
      'identity.metadataFile must hold X.509 signing certificates, but ds:X509Certificate 1 of 1 (a signing KeyDescriptor of the IDPSSODescriptor) is a bare public key, not an X.509 certificate. Download the metadata again from your IdP, or put the base64 of the DER certificate in the element',
    ],
    [
      'a document outside the SAML metadata namespace',
      'no-namespace.xml',
      'identity.metadataFile must name SAML metadata in the namespace urn:oasis:names:tc:SAML:2.0:metadata, but its root element EntityDescriptor is in no namespace',
    ],
  ])('metadata: refuses %s with one line naming the file, the field and the fix', (_label, name, message) => {
    const path = join(__dirname, '..', 'fixtures', 'saml-metadata', name);
    const lines = problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = path)));
    expect(lines).toEqual([expect.stringContaining(`${FILE}: ${message}`)]);
    expect(lines[0]).toContain(`(got ${JSON.stringify(path).slice(0, 40)}`);
  });

  it('metadata: loads Entra ID metadata without its byte-order mark', () => {
    const path = join(__dirname, '..', 'fixtures', 'saml-metadata', 'entra-id.xml');
    const config = loadEnvironment({
      file: FILE,
      input: withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = path)),
    });
    expect(config.samlMetadataXml!.startsWith('<?xml version="1.0" encoding="utf-8"?><EntityDescriptor')).toBe(true);
  });

  it('metadata: accepts a well-formed EntityDescriptor of the right size', () => {
    const path = metadataFile(validMetadata);
    expect(problemsOf(withChanges((i) => i.identity.type === 'saml' && (i.identity.metadataFile = path)))).toEqual([]);
  });

  it('rejects unknown fields, naming them', () => {
    expect(problemsOf({ ...example, acountId: '123' })).toEqual([
      expect.stringContaining(`${FILE}: (root) has unknown field(s) acountId. Remove them or check their spelling`),
    ]);
  });

  it('reports a missing required field as required', () => {
    const { accountId: _omit, ...rest } = example;
    expect(problemsOf(rest)).toEqual([
      expect.stringMatching(/^environments\/test\.ts: accountId is required: .*\(got nothing\)$/),
    ]);
  });

  it('reports every problem at once, one a line', () => {
    const lines = problemsOf(withChanges((i) => Object.assign(i, { accountId: '1', primaryRegion: 'nowhere' })));
    expect(lines).toHaveLength(2);
  });

  it('rejects two environments with the same name', () => {
    expect(() =>
      loadEnvironments([
        { file: 'environments/a.ts', input: example },
        { file: 'environments/b.ts', input: example },
      ]),
    ).toThrow('environments/b.ts: name must be unique: environments/a.ts uses it already');
  });
});
