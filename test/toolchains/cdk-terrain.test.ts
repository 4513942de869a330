import { readFileSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { environmentSources } from '../../environments';
import {
  CDK_TERRAIN_DIFFERENCES,
  type ToolchainSynth,
  type TypecheckResult,
  ensureToolchain,
  projectRoot,
  provider6Source,
  stackFiles,
  synthWith,
  toolchainDir,
  typecheckAgainstToolchain,
} from '../support/cdk-terrain';
import {
  type ExpectedDifference,
  type Json,
  type SynthComparison,
  compareSynth,
  formatComparison,
} from '../support/synth-diff';
import { sourceFiles } from '../support/portability';
import { planOffline, terraformVersion } from '../support/terraform';

/**
 * CDK Terrain (cdktn, the community fork of the archived CDKTF) installed under the CDKTF package
 * names in toolchains/cdktn, as a consumer app switches: the constructs and the app compile against
 * it, and every shipped environment synthesizes to the same Terraform as with CDKTF, except for the
 * differences CDK_TERRAIN_DIFFERENCES lists with their reasons.
 */
const environments = environmentSources.map((s) => String(s.input.name));

function stackJson(synth: ToolchainSynth, environment: string): Json {
  return JSON.parse(readFileSync(join(synth.outdir, 'stacks', environment, 'cdk.tf.json'), 'utf8')) as Json;
}

describe('CDK Terrain compatibility', () => {
  let typecheck: TypecheckResult;
  let cdktf: ToolchainSynth;
  let cdktn: ToolchainSynth;
  const comparisons = new Map<string, SynthComparison>();

  beforeAll(async () => {
    const install = await ensureToolchain();
    [typecheck, cdktf, cdktn] = await Promise.all([
      typecheckAgainstToolchain(),
      synthWith('cdktf'),
      synthWith('cdktn'),
    ]);
    for (const name of environments) {
      comparisons.set(name, compareSynth(stackJson(cdktf, name), stackJson(cdktn, name), CDK_TERRAIN_DIFFERENCES));
    }
    process.stderr.write(
      `CDK Terrain check: toolchain ${install.installed ? `installed in ${install.seconds.toFixed(1)} s` : 'install current'}, ` +
        `synth ${cdktf.seconds.toFixed(1)} s (CDKTF) / ${cdktn.seconds.toFixed(1)} s (CDK Terrain)\n`,
    );
  }, 600_000);

  it('type-checks modules/, stacks/ and environments/ against cdktn and @cdktn/provider-aws', () => {
    expect(typecheck.output).toBe('');
    expect(typecheck.ok).toBe(true);
  });

  it('type-checks against the toolchain folder only, never the CDKTF packages', () => {
    // The compiler prints real paths, so compare with the real paths of both node_modules folders.
    const toolchainModules = realpathSync(join(toolchainDir, 'node_modules'));
    const projectModules = realpathSync(join(projectRoot, 'node_modules'));
    const from = (dir: string, name: string) => typecheck.files.filter((f) => f.startsWith(join(dir, name) + sep));
    expect(from(toolchainModules, 'cdktn').length).toBeGreaterThan(0);
    expect(from(toolchainModules, '@cdktf/provider-aws').length).toBeGreaterThan(0);
    expect(from(toolchainModules, 'constructs').length).toBeGreaterThan(0);
    expect([
      ...from(projectModules, 'cdktf'),
      ...from(projectModules, '@cdktf'),
      ...from(projectModules, 'constructs'),
    ]).toEqual([]);
  });

  it('resolves every provider resource the sources import, from the toolchain folder', () => {
    // The shipped environments do not use every construct (Identity Center, for one): resolve each
    // `@cdktf/provider-aws/lib/<resource>` import the way Node.js will in a CDK Terrain app.
    const imports = new Set(
      sourceFiles(projectRoot, ['modules', 'stacks', 'environments']).flatMap((file) =>
        [...readFileSync(join(projectRoot, file), 'utf8').matchAll(/from '(@cdktf\/provider-aws\/lib\/[^']+)'/g)].map(
          (m) => m[1],
        ),
      ),
    );
    expect(imports.size).toBeGreaterThan(20);
    const bindings = realpathSync(join(toolchainDir, 'node_modules', '@cdktf', 'provider-aws'));
    for (const specifier of imports) {
      expect(require.resolve(specifier, { paths: [toolchainDir] })).toContain(bindings + sep);
    }
  });

  it('synthesizes with the CDK Terrain packages (provider 6) and the CDKTF ones (provider 5)', () => {
    const version = (synth: ToolchainSynth) =>
      (stackJson(synth, environments[0]) as { terraform: { required_providers: { aws: { version: string } } } })
        .terraform.required_providers.aws.version;
    expect(version(cdktf)).toMatch(/^5\./);
    expect(version(cdktn)).toMatch(/^6\./);
  });

  it.each(environments)('%s: same addresses and bodies except the listed differences', (name) => {
    const comparison = comparisons.get(name)!;
    expect(formatComparison(name, comparison)).toBe('');
    expect(comparison.missingAddresses).toEqual([]);
    expect(comparison.extraAddresses).toEqual([]);
  });

  it.each(environments)('%s: the same asset files, byte for byte', (name) => {
    const files = stackFiles(join(cdktf.outdir, 'stacks', name));
    expect(Object.keys(files).length).toBeGreaterThan(0);
    expect(stackFiles(join(cdktn.outdir, 'stacks', name))).toEqual(files);
  });

  it('every listed difference still occurs, so the list stays exact', () => {
    const used = new Set<ExpectedDifference>(
      [...comparisons.values()].flatMap((c) => c.expected.map((e) => e.allowedBy)),
    );
    expect(CDK_TERRAIN_DIFFERENCES.filter((d) => !used.has(d)).map((d) => d.path.join('.'))).toEqual([]);
  });

  const provider6 = provider6Source();
  if (provider6.available) {
    it.each(environments)(`%s: terraform validate and offline plan with provider 6, from ${provider6.via}`, (name) => {
      terraformVersion();
      const result = planOffline(join(cdktn.outdir, 'stacks', name), stackJson(cdktn, name));
      expect(result.validate).toContain('Success! The configuration is valid.');
      expect(result.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
    });
  } else {
    process.stderr.write(
      `CDK Terrain check: terraform validate and plan with provider 6 skipped: ${provider6.reason}\n`,
    );
    it.skip(`terraform validate and offline plan with provider 6 (skipped: ${provider6.reason})`, () => undefined);
  }
});
