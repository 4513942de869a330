import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provider6Source } from './cdk-terrain';

/** A filesystem mirror holding the given hashicorp/aws entries (version folders or packed zips). */
function mirror(entries: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'ssm-fa-mirror-'));
  const dir = join(root, 'registry.terraform.io', 'hashicorp', 'aws');
  mkdirSync(dir, { recursive: true });
  for (const entry of entries) {
    if (entry.endsWith('.zip')) writeFileSync(join(dir, entry), '');
    else mkdirSync(join(dir, entry, 'linux_amd64'), { recursive: true });
  }
  return root;
}

describe('provider6Source (test support)', () => {
  it('finds provider 6 in an unpacked or a packed mirror', () => {
    expect(provider6Source({ TF_PROVIDER_MIRROR: mirror(['5.100.0', '6.66.0']) })).toEqual({
      available: true,
      via: expect.stringContaining('hashicorp/aws 6.66.0'),
    });
    expect(provider6Source({ TF_PROVIDER_MIRROR: mirror(['terraform-provider-aws_6.66.0_linux_amd64.zip']) })).toEqual({
      available: true,
      via: expect.stringContaining('hashicorp/aws 6.66.0'),
    });
  });

  it('skips, saying why, when the mirror has no provider 6', () => {
    const path = mirror(['5.100.0']);
    expect(provider6Source({ TF_PROVIDER_MIRROR: path, TF_PROVIDER_REGISTRY: '1' })).toEqual({
      available: false,
      reason: `the provider mirror TF_PROVIDER_MIRROR=${path} holds hashicorp/aws 5.100.0, no 6.x (the version @cdktn/provider-aws binds)`,
    });
  });

  it('does not reach for the network without a mirror unless told the registry is reachable', () => {
    expect(provider6Source({})).toEqual({ available: false, reason: expect.stringContaining('no TF_PROVIDER_MIRROR') });
    expect(provider6Source({ TF_PROVIDER_REGISTRY: '1' })).toEqual({
      available: true,
      via: 'the Terraform registry (TF_PROVIDER_REGISTRY=1)',
    });
  });
});
