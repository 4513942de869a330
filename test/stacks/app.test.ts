import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type EnvironmentInput, type EnvironmentSource, environmentSources } from '../../environments';
import { main } from '../../stacks/main';
import { example } from '../../environments/example';
import { synthesize } from '../support/synth';

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

describe('the app', () => {
  it('writes one stack per environment, named after it', () => {
    const { outdir } = synthesize();
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['dev', 'example', 'prod']);
  });

  it('is deterministic: two synths are byte-identical', () => {
    const a = synthesize().outdir;
    const b = synthesize().outdir;
    const files = listFiles(a).sort();
    expect(files).toEqual(listFiles(b).sort());
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      expect({ file, content: readFileSync(join(b, file)).toString('base64') }).toEqual({
        file,
        content: readFileSync(join(a, file)).toString('base64'),
      });
    }
  });

  it('pins the AWS provider to the mirrored version exactly', () => {
    for (const stack of synthesize().stacks.values()) {
      expect(stack.json.terraform.required_providers.aws).toEqual({ source: 'aws', version: '5.100.0' });
    }
  });

  it('manages IAM through the primary region and gives each further region an aliased provider', () => {
    const example = synthesize().stacks.get('example')!.json;
    expect(example.provider.aws).toEqual([
      expect.objectContaining({ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }),
      expect.objectContaining({ alias: 'us-east-1', region: 'us-east-1', allowed_account_ids: ['111111111111'] }),
    ]);
    expect(example.provider.aws[0].alias).toBeUndefined();
    for (const resource of Object.values(example.resource.aws_iam_role) as { provider?: string }[]) {
      expect(resource.provider).toBeUndefined();
    }
  });

  it('calls no AWS data source (account id comes from the environment)', () => {
    for (const stack of synthesize().stacks.values()) {
      expect(stack.json.data?.aws_caller_identity).toBeUndefined();
    }
  });

  it('tags every resource through the provider default tags', () => {
    const prod = synthesize().stacks.get('prod')!.json;
    expect(prod.provider.aws[0].default_tags).toEqual([
      {
        tags: expect.objectContaining({
          Environment: 'prod',
          ManagedBy: 'ssm-federated-access',
          DataClassification: 'confidential',
        }),
      },
    ]);
  });

  it('writes the IdP outputs', () => {
    const outputs = synthesize().stacks.get('example')!.json.output;
    expect(outputs.idp_role_attribute.value.value).toBe(
      'arn:aws:iam::111111111111:role/SsmFederatedShell,arn:aws:iam::111111111111:saml-provider/ExampleAdfs',
    );
    expect(outputs.idp_principal_tag_attributes.value).toEqual([
      'https://aws.amazon.com/SAML/Attributes/PrincipalTag:SSMSessionRunAs',
      'https://aws.amazon.com/SAML/Attributes/PrincipalTag:AppId',
      'https://aws.amazon.com/SAML/Attributes/PrincipalTag:AppId2',
    ]);
  });
});

describe('state backends', () => {
  function backendOf(backend: EnvironmentInput['backend']): unknown {
    const { stacks } = synthesize([{ file: 'environments/test.ts', input: { ...example, backend } }]);
    const { backend: written, cloud } = stacks.get('example')!.json.terraform;
    return written ?? { cloud };
  }

  it('local: a relative state file at the project root', () => {
    expect(backendOf({ type: 'local' })).toEqual({ local: { path: '../../../terraform.example.tfstate' } });
  });

  it('s3: encrypted, with the native lock file', () => {
    expect(backendOf({ type: 's3', bucket: 'corp-tf-state', region: 'eu-west-1' })).toEqual({
      s3: {
        bucket: 'corp-tf-state',
        key: 'example/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it('hcp: a named workspace', () => {
    expect(backendOf({ type: 'hcp', organization: 'corp' })).toEqual({
      cloud: { organization: 'corp', workspaces: { name: 'example' } },
    });
  });
});

describe('bad configuration', () => {
  function runMain(sources: readonly EnvironmentSource[]): { code: number; stderr: string; outdir: string } {
    const outdir = join(mkdtempSync(join(tmpdir(), 'ssm-fa-main-')), 'cdktf.out');
    let stderr = '';
    const code = main({ sources, outdir, stderr: (text) => (stderr += text) });
    return { code, stderr, outdir };
  }

  it('stops the synth with the precise error and writes no stack, not even for the valid environments', () => {
    const broken = { file: 'environments/broken.ts', input: { ...example, name: 'broken', accountId: '12345' } };
    const { code, stderr, outdir } = runMain([...environmentSources, broken]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'environments/broken.ts: accountId must be a 12-digit AWS account id written as a string, e.g. "123456789012" (keep leading zeros) (got "12345")',
    );
    expect(existsSync(outdir)).toBe(false);
  });

  it('writes every stack when all environments are valid', () => {
    const { code, outdir } = runMain(environmentSources);
    expect(code).toBe(0);
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['dev', 'example', 'prod']);
  });
});
