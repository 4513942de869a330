import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type EnvironmentSource, loadEnvironments } from '../../environments';
import { example } from '../../environments/example';
import { buildApp } from '../../stacks/app';

/** `count` copies of the example environment with their own names and accounts (as the bench makes them). */
export function generatedSources(count: number): EnvironmentSource[] {
  return Array.from({ length: count }, (_, i) => ({
    file: `generated/env-${i}.ts`,
    input: { ...example, name: `env-${String(i).padStart(3, '0')}`, accountId: String(100000000000 + i) },
  }));
}

/** Every file under `root`, relative to it, sorted. */
export function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
    })
    .sort();
}

/** The output as one App writes it, every stack at once (`synthesizeApp`): the reference. */
export function oneAppSynth(sources: readonly EnvironmentSource[]): string {
  const outdir = mkdtempSync(join(tmpdir(), 'ssm-fa-one-app-'));
  buildApp(loadEnvironments(sources), { outdir }).synth();
  return outdir;
}

/**
 * The files of `actual` that are missing, extra or not byte-identical to `expected`'s, restricted
 * to the stacks named (every file when `stacks` is undefined; manifest.json is compared apart).
 */
export function differences(expected: string, actual: string, stacks?: readonly string[]): string[] {
  const inScope = (file: string) =>
    file !== 'manifest.json' && (stacks === undefined || stacks.some((s) => file.startsWith(`stacks/${s}/`)));
  const want = listFiles(expected).filter(inScope);
  const got = listFiles(actual).filter((file) => file !== 'manifest.json');
  const problems = [
    ...want.filter((file) => !got.includes(file)).map((file) => `missing ${file}`),
    ...got.filter((file) => !want.includes(file)).map((file) => `extra ${file}`),
  ];
  for (const file of want.filter((f) => got.includes(f))) {
    if (!readFileSync(join(expected, file)).equals(readFileSync(join(actual, file)))) problems.push(`differs ${file}`);
  }
  return problems;
}

export const readManifest = (outdir: string) => JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
