import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSources, loadEnvironments } from '../../environments';
import { main } from '../../stacks/main';
import { closestNames, editDistance, parseStackNames, selectStacks } from '../../stacks/select-stacks';
import { synthesizeStacksSync } from '../../stacks/synthesize-stacks';
import { differences, generatedSources, listFiles, oneAppSynth, readManifest } from './synth-output';

const freshOutdir = () => join(mkdtempSync(join(tmpdir(), 'ssm-fa-selected-')), 'cdktf.out');

function run(options: Parameters<typeof main>[0]) {
  const outdir = freshOutdir();
  let stderr = '';
  const code = main({ outdir, stderr: (text) => (stderr += text), ...options });
  return { code, stderr, outdir };
}

describe('the stack list (SSM_FEDERATED_ACCESS_STACKS)', () => {
  it('reads comma-separated names, trimmed, without empty entries or repeats', () => {
    expect(parseStackNames(' prod, dev,,prod ,')).toEqual(['prod', 'dev']);
    expect(parseStackNames('')).toBeUndefined();
    expect(parseStackNames(' , ')).toBeUndefined();
    expect(parseStackNames(undefined)).toBeUndefined();
  });

  it('measures edit distance and orders the closest names first', () => {
    expect(editDistance('prod', 'prod')).toBe(0);
    expect(editDistance('prdo', 'prod')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestNames('env-01', ['env-010', 'prod', 'env-001', 'env-100', 'dev'])).toEqual([
      'env-001',
      'env-010',
      'env-100',
    ]);
  });

  it('keeps the app order and every stack when no name is given', () => {
    const configs = loadEnvironments(environmentSources);
    expect(selectStacks(configs, ['prod', 'example']).map((c) => c.name)).toEqual(['example', 'prod']);
    expect(selectStacks(configs, undefined)).toBe(configs);
  });
});

describe('synthesizing selected stacks', () => {
  let full: string;
  beforeAll(() => {
    full = oneAppSynth(environmentSources);
  });

  it('writes only the named stack, byte for byte as a full synth writes it (assets included)', () => {
    const { code, outdir } = run({ stacks: ['prod'] });
    expect(code).toBe(0);
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['prod']);
    expect(listFiles(outdir).some((file) => file.startsWith('stacks/prod/assets/'))).toBe(true);
    expect(differences(full, outdir, ['prod'])).toEqual([]);
  });

  it('lists only the written stacks in manifest.json, each entry as a full synth lists it', () => {
    const { outdir } = run({ stacks: ['dev', 'prod'] });
    const manifest = readManifest(outdir);
    const fullManifest = readManifest(full);
    expect(Object.keys(manifest.stacks).sort()).toEqual(['dev', 'prod']);
    expect(manifest).toEqual({
      version: fullManifest.version,
      stacks: { dev: fullManifest.stacks.dev, prod: fullManifest.stacks.prod },
    });
  });

  it('takes the names from SSM_FEDERATED_ACCESS_STACKS', () => {
    process.env.SSM_FEDERATED_ACCESS_STACKS = 'dev';
    try {
      const { code, outdir } = run({});
      expect(code).toBe(0);
      expect(readdirSync(join(outdir, 'stacks'))).toEqual(['dev']);
    } finally {
      delete process.env.SSM_FEDERATED_ACCESS_STACKS;
    }
  });

  it('stops on an unknown name with one line naming it and the closest names, writing nothing', () => {
    const { code, stderr, outdir } = run({ stacks: ['prod', 'prdo'] });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'SSM_FEDERATED_ACCESS_STACKS: no environment is named "prdo"; closest: prod, dev, example. Name a stack the app has, or unset SSM_FEDERATED_ACCESS_STACKS to synthesize every stack\n',
    );
    expect(existsSync(outdir)).toBe(false);
  });

  it('still validates every environment: a bad file elsewhere stops it, writing nothing', () => {
    const broken = {
      file: 'environments/broken.ts',
      input: { ...environmentSources[0].input, name: 'broken', accountId: '12345' },
    };
    const { code, stderr, outdir } = run({ sources: [...environmentSources, broken], stacks: ['prod'] });
    expect(code).toBe(1);
    expect(stderr).toContain('environments/broken.ts: accountId must be a 12-digit AWS account id');
    expect(existsSync(outdir)).toBe(false);
  });
});

describe('synthesizing in batches (one App per batch)', () => {
  const sources = generatedSources(23);
  let reference: string;
  /** The output of each batch size that wrote the same bytes as one App. */
  const written = new Map<number, string>();
  beforeAll(() => {
    reference = oneAppSynth(sources);
  });

  it.each([1, 5, 23, 50])('writes the same bytes as one App, manifest included (batches of %i)', (batchSize) => {
    const { code, outdir } = run({ sources, batchSize });
    expect(code).toBe(0);
    expect(differences(reference, outdir)).toEqual([]);
    expect(readFileSync(join(outdir, 'manifest.json')).equals(readFileSync(join(reference, 'manifest.json')))).toBe(
      true,
    );
    expect(listFiles(outdir).filter((file) => file.startsWith('.'))).toEqual([]);
    written.set(batchSize, outdir);
  });

  it('rewrites its files in a stack folder and keeps the rest (Terraform working files, other stacks)', () => {
    const outdir = freshOutdir();
    // What batches of 5 wrote above (checked there against one App), or a new synth when run alone.
    const before = written.get(5);
    if (before) cpSync(before, outdir, { recursive: true });
    else expect(main({ outdir, sources, batchSize: 5 })).toBe(0);
    const stackDir = join(outdir, 'stacks', 'env-007');
    mkdirSync(join(stackDir, '.terraform'));
    writeFileSync(join(stackDir, '.terraform', 'terraform.tfstate'), '{}');
    writeFileSync(join(stackDir, 'offline_override.tf.json'), '{}');
    writeFileSync(join(stackDir, 'cdk.tf.json'), '{"stale": true}');
    expect(main({ outdir, sources, batchSize: 5, stacks: ['env-007'] })).toBe(0);
    expect(existsSync(join(stackDir, '.terraform', 'terraform.tfstate'))).toBe(true);
    expect(existsSync(join(stackDir, 'offline_override.tf.json'))).toBe(true);
    rmSync(join(stackDir, '.terraform'), { recursive: true });
    rmSync(join(stackDir, 'offline_override.tf.json'));
    expect(differences(reference, outdir)).toEqual([]);
    expect(Object.keys(readManifest(outdir).stacks)).toEqual(['env-007']);
  });

  it('writes nothing when a construct of a later batch reports a problem, and reports it once', () => {
    const configs = loadEnvironments(sources);
    // Valid as an environment file, refused by the SAML federation construct (node.addValidation).
    configs[17] = { ...configs[17], samlMetadataXml: '<EntityDescriptor/>' };
    const outdir = freshOutdir();
    let stderr = '';
    const written = synthesizeStacksSync(configs, { outdir, batchSize: 5, stderr: (text) => (stderr += text) });
    expect(written).toBe(false);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('Invalid configuration, nothing synthesized:');
    expect(lines.slice(1).length).toBeGreaterThan(0);
    expect(lines.slice(1).every((line) => line.startsWith('env-017/'))).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
    expect(listFiles(outdir)).toEqual([]);
  });
});
