import { Testing, TerraformStack } from 'cdktf';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { synthesizeApp } from '../../modules/core/validation';
import { loadEnvironments, readSamlMetadata } from '../../modules/environment/load-environment';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { buildApp } from '../../stacks/app';
import { validated } from '../support/validation';

/**
 * Promises about the shipped environments themselves (environments/*.ts and their IdP metadata),
 * kept here so that the module tests build their own inputs, and an edit to a shipped environment
 * is checked where it belongs.
 */
const ROOT = join(__dirname, '..', '..');

describe('the shipped environments', () => {
  const metadataFiles = environmentSources.flatMap(({ input }) =>
    input.identity.type === 'saml' ? [input.identity.metadataFile] : [],
  );
  const outdir = mkdtempSync(join(tmpdir(), 'ssm-fa-shipped-'));
  const configs = loadEnvironments(environmentSources);
  const written: string[] = [];
  const synthesized = synthesizeApp(buildApp(configs, { outdir }), {
    stderr: (text) => written.push(text),
    setExitCode: false,
  });

  it('name IdP metadata that the loader reads as IAM does', () => {
    expect(metadataFiles.length).toBeGreaterThan(0);
    for (const file of metadataFiles) {
      expect({ file, read: readSamlMetadata(join(ROOT, file)) }).toEqual({ file, read: expect.any(String) });
    }
  });

  it('name IdP metadata that SamlFederation accepts', () => {
    for (const file of metadataFiles) {
      const metadataXml = readSamlMetadata(join(ROOT, file)) as string;
      const stack = new TerraformStack(Testing.app(), 'test');
      const federation = () =>
        validated(
          () =>
            new SamlFederation(stack, 'federation', {
              accountId: '111111111111',
              providerName: 'ShippedIdp',
              metadataXml,
              roleName: 'SsmFederatedShell',
            }),
        );
      expect(federation).not.toThrow();
    }
  });

  it('pass every check of the synth, the policy lint and sizes included', () => {
    expect(written.join('')).toBe('');
    expect(synthesized).toBe(true);
  });

  it('adopt no existing preferences document, so that each plans offline (DESIGN.md)', () => {
    for (const { name } of configs) {
      const json = JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
      expect({ name, import: json.import }).toEqual({ name, import: undefined });
    }
  });
});
