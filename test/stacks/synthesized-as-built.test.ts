import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { type EnvironmentSource, environmentSources, loadEnvironments } from '../../environments';
import { exampleOrganization } from '../../environments/organization/example-organization';
import { buildApp } from '../../stacks/app';
import { SsmFederatedAccessStack } from '../../stacks/environment-stack';
import { PRODUCTION_SHAPES } from '../support/production-shapes';
import { differences, generatedSources, listFiles, readManifest } from './synth-output';

/**
 * The synth pipeline builds each batch's App with `synthesizedAsBuilt`, which skips cdktf's
 * preparing pass (a search for references between stacks) and its last pass over each stack's
 * merged document. That is only right while no stack refers to another and every fragment is
 * resolved: these tests synthesize a wide set of environments both ways and require the same
 * bytes, and show that the comparison catches a reference between stacks.
 */
const sources: EnvironmentSource[] = [
  ...environmentSources,
  ...Object.entries(PRODUCTION_SHAPES).map(([key, input]) => ({ file: `production-shapes#${key}`, input })),
  ...exampleOrganization().slice(0, 12),
  ...generatedSources(3),
];

const tmp = () => mkdtempSync(join(tmpdir(), 'ssm-fa-as-built-'));

/** Synthesizes the environments of `from` (the shipped ones by default) after `change`, which may add to the app. */
function synth(
  synthesizedAsBuilt: boolean,
  change: (app: App) => void = () => {},
  from: readonly EnvironmentSource[] = environmentSources,
): string {
  const outdir = tmp();
  const app = buildApp(loadEnvironments(from), { outdir, synthesizedAsBuilt });
  // The comparisons mean something only if the option took effect (this cdktf release, no token).
  for (const stack of app.node.children)
    expect((stack as SsmFederatedAccessStack).synthesizedAsBuilt).toBe(synthesizedAsBuilt);
  change(app);
  app.synth();
  return outdir;
}

function stackOf(app: App, name: string): SsmFederatedAccessStack {
  return app.node.findChild(name) as SsmFederatedAccessStack;
}

/** A reference from the stack `to` to a resource of the stack `from`, added after both were built. */
function referBetween(from: string, to: string) {
  return (app: App) => {
    new TerraformOutput(stackOf(app, to), 'other_role', { value: stackOf(app, from).access.federation!.role.arn });
  };
}

describe('a synth of stacks as built (synthesizedAsBuilt): two passes of cdktf skipped', () => {
  let full: string;
  beforeAll(() => {
    full = synth(false, undefined, sources);
  });

  it('finds none in the environments: no stack depends on another, no cross-stack output', () => {
    const manifest = readManifest(full);
    expect(Object.keys(manifest.stacks)).toHaveLength(sources.length);
    for (const stack of Object.values(manifest.stacks) as { name: string; dependencies: string[] }[]) {
      expect({ stack: stack.name, dependencies: stack.dependencies }).toEqual({ stack: stack.name, dependencies: [] });
      const json = readFileSync(join(full, 'stacks', stack.name, 'cdk.tf.json'), 'utf8');
      expect(json).not.toMatch(/cross-stack|terraform_remote_state/);
    }
  });

  it('writes the same bytes as cdktf with its search, manifest included', () => {
    const asBuilt = synth(true, undefined, sources);
    expect(listFiles(asBuilt)).toEqual(listFiles(full));
    expect(differences(full, asBuilt)).toEqual([]);
    expect(readFileSync(join(asBuilt, 'manifest.json')).equals(readFileSync(join(full, 'manifest.json')))).toBe(true);
  });

  it('would show a reference between stacks as a difference (what the comparison above guards)', () => {
    const searched = synth(false, referBetween('dev', 'prod'));
    const skipped = synth(true, referBetween('dev', 'prod'));
    expect(readManifest(searched).stacks.prod.dependencies).toEqual(['dev']);
    expect(differences(searched, skipped)).toEqual([
      'differs stacks/dev/cdk.tf.json',
      'differs stacks/prod/cdk.tf.json',
    ]);
  });

  it("writes cdktf's document for a stack with a stack-level override", () => {
    const override = (app: App) => stackOf(app, 'dev').addOverride('terraform.required_version', '>= 1.5');
    const searched = synth(false, override);
    expect(readFileSync(join(searched, 'stacks', 'dev', 'cdk.tf.json'), 'utf8')).toContain(
      '"required_version": ">= 1.5"',
    );
    expect(differences(searched, synth(true, override))).toEqual([]);
  });

  it("runs cdktf's search when the app holds another kind of stack", () => {
    const outdir = synth(true, (app) => {
      const shared = new TerraformStack(app, 'shared');
      new TerraformOutput(shared, 'dev_role', { value: stackOf(app, 'dev').access.federation!.role.arn });
    });
    const dev = JSON.parse(readFileSync(join(outdir, 'stacks', 'dev', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(dev.output).filter((name) => name.startsWith('cross-stack-output-'))).toHaveLength(1);
    expect(readManifest(outdir).stacks.shared.dependencies).toEqual(['dev']);
  });

  it("keeps cdktf's passes with another release of the library (CDK Terrain records its own version)", () => {
    const [config] = loadEnvironments(environmentSources);
    const app = new App({ outdir: tmp() });
    app.node.setContext('cdktfVersion', '0.24.0');
    expect(new SsmFederatedAccessStack(app, config, { synthesizedAsBuilt: true }).synthesizedAsBuilt).toBe(false);
  });

  it('does not skip it for a config that holds a token', () => {
    const [config] = loadEnvironments(environmentSources);
    const app = new App({ outdir: tmp() });
    const token = Lazy.stringValue({ produce: () => 'platform' });
    const stack = new SsmFederatedAccessStack(
      app,
      { ...config, tags: { ...config.tags, Team: token } },
      { synthesizedAsBuilt: true },
    );
    expect(stack.synthesizedAsBuilt).toBe(false);
    expect(
      new SsmFederatedAccessStack(app, { ...config, name: 'other' }, { synthesizedAsBuilt: true }).synthesizedAsBuilt,
    ).toBe(true);
  });
});
