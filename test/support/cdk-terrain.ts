import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/esbuild-options.cjs';
import type { ExpectedDifference } from './synth-diff';

/**
 * The CDK Terrain compatibility check's tools: install the toolchain folder (`toolchains/cdktn`,
 * CDK Terrain under the CDKTF package names, as a consumer app switches), type-check the project
 * against it, and synthesize every environment with it and with CDKTF from the same sources.
 */

const run = promisify(execFile);

export const projectRoot = join(__dirname, '..', '..');
export const toolchainDir = join(projectRoot, 'toolchains', 'cdktn');

/** The three packages the app imports that the toolchain folder provides (npm aliases). */
const TOOLCHAIN_PACKAGES = /^(cdktf|@cdktf\/provider-aws|constructs)(\/|$)/;

/**
 * Every difference between the CDKTF and the CDK Terrain synth of a shipped environment that is
 * legitimate, with the reason. Anything else fails the check; an entry that no environment shows any
 * more fails it too, so this list stays exactly what the switch changes.
 */
export const CDK_TERRAIN_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    path: ['//', 'metadata', 'version'],
    before: /^0\.21\./,
    after: /^0\.24\./,
    reason: 'the toolchain writes its own version into the stack metadata comment, which Terraform ignores',
  },
  {
    path: ['terraform', 'required_providers', 'aws', 'version'],
    before: /^5\./,
    after: /^6\./,
    reason:
      '@cdktn/provider-aws 25.x binds hashicorp/aws 6.x (the provider upgrades the state on the first apply, see the README)',
  },
  {
    path: ['terraform', 'required_providers', 'aws', 'source'],
    before: 'aws',
    after: 'hashicorp/aws',
    reason: 'the same provider address: Terraform reads the short source "aws" as registry.terraform.io/hashicorp/aws',
  },
];

/** What `ensureToolchain` did: installed, or found the install current. */
export interface ToolchainInstall {
  readonly installed: boolean;
  readonly seconds: number;
}

const STAMP = join(toolchainDir, 'node_modules', '.ssm-fa-lock-sha256');

/**
 * `npm ci` in the toolchain folder unless its node_modules was installed from the current lock file
 * (a stamp of the lock file's hash, written after a successful install; `npm ci` removes it first).
 */
export async function ensureToolchain(): Promise<ToolchainInstall> {
  const started = Date.now();
  const lockHash = createHash('sha256')
    .update(readFileSync(join(toolchainDir, 'package-lock.json')))
    .update(process.version)
    .digest('hex');
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lockHash) {
    return { installed: false, seconds: (Date.now() - started) / 1000 };
  }
  try {
    // The packages declare newer Node.js engines than the project's minimum; npm only warns.
    await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: toolchainDir,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`npm ci in ${toolchainDir} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}\n${e.message}`);
  }
  writeFileSync(STAMP, lockHash);
  return { installed: true, seconds: (Date.now() - started) / 1000 };
}

export interface TypecheckResult {
  readonly ok: boolean;
  /** The compiler's diagnostics (empty when ok). */
  readonly output: string;
  /** Every source file the program loaded (absolute real paths, as the compiler prints them). */
  readonly files: readonly string[];
}

/** `tsc -p toolchains/cdktn/tsconfig.json`: modules/, stacks/ and environments/ against CDK Terrain. */
export async function typecheckAgainstToolchain(): Promise<TypecheckResult> {
  const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '-p', join(toolchainDir, 'tsconfig.json'), '--listFiles', '--pretty', 'false'];
  let stdout: string;
  let ok = true;
  try {
    stdout = (await run(process.execPath, args, { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    stdout = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    ok = false;
  }
  // --listFiles prints one absolute path per loaded file; everything else is a diagnostic.
  const lines = stdout.split('\n').filter(Boolean);
  const isFile = (line: string): boolean => line.startsWith('/') && !/\(\d+,\d+\): /.test(line);
  return {
    ok,
    output: lines.filter((l) => !isFile(l)).join('\n'),
    files: lines.filter(isFile),
  };
}

/** Which packages the app resolves: the project's own (CDKTF) or the toolchain folder's (CDK Terrain). */
export type Toolchain = 'cdktf' | 'cdktn';

export interface ToolchainSynth {
  readonly toolchain: Toolchain;
  /** The app's output folder (`stacks/<environment>/cdk.tf.json`). */
  readonly outdir: string;
  readonly seconds: number;
}

/**
 * Bundles `stacks/main.ts` with the app command's esbuild options and runs it, as `cdktf synth` runs
 * the app, into a fresh output folder. For `cdktn`, cdktf, @cdktf/provider-aws and constructs resolve
 * to the toolchain folder; every other package resolves from the project. The bundle goes under dist/ so that the
 * app finds the launch tagger's zip (dist/launch-tagger) from there as it does from dist/stacks.
 */
export async function synthWith(toolchain: Toolchain): Promise<ToolchainSynth> {
  const started = Date.now();
  const outfile = join(projectRoot, 'dist', 'toolchains', toolchain, 'main.js');
  const fromToolchain = {
    name: 'resolve-from-toolchain-folder',
    setup(pluginBuild: import('esbuild').PluginBuild) {
      pluginBuild.onResolve({ filter: TOOLCHAIN_PACKAGES }, (args) => ({
        path: require.resolve(args.path, { paths: [toolchainDir] }),
        external: true,
      }));
    },
  };
  await build({
    ...NODE_BUNDLE,
    entryPoints: [join(projectRoot, 'stacks', 'main.ts')],
    outfile,
    plugins: toolchain === 'cdktn' ? [fromToolchain] : [],
  });
  const outdir = mkdtempSync(join(tmpdir(), `ssm-fa-${toolchain}-synth-`));
  try {
    await run(process.execPath, [outfile], {
      cwd: projectRoot,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`the ${toolchain} synth failed:\n${e.stderr ?? e.message}`);
  }
  return { toolchain, outdir, seconds: (Date.now() - started) / 1000 };
}

/** Every file of a stack's output folder but `cdk.tf.json` (the assets), relative path -> sha256. */
export function stackFiles(stackDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path !== join(stackDir, 'cdk.tf.json')) {
        files[relative(stackDir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
      }
    }
  };
  walk(stackDir);
  return files;
}

/** Whether `terraform validate` and the offline plan can get the provider-6 binary, and if not why. */
export type Provider6Source =
  { readonly available: true; readonly via: string } | { readonly available: false; readonly reason: string };

/**
 * Provider 6 is looked for in `TF_PROVIDER_MIRROR` (a filesystem mirror in either layout). Without a
 * mirror the registry is used only when `TF_PROVIDER_REGISTRY=1` says it is reachable, so a machine
 * without network access skips instead of hanging in `terraform init`.
 */
export function provider6Source(env: NodeJS.ProcessEnv = process.env): Provider6Source {
  const mirror = env.TF_PROVIDER_MIRROR;
  if (mirror) {
    const versions = mirrorVersions(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'));
    const six = versions.filter((v) => v.startsWith('6.'));
    if (six.length > 0) return { available: true, via: `mirror ${mirror} (hashicorp/aws ${six.join(', ')})` };
    return {
      available: false,
      reason: `the provider mirror TF_PROVIDER_MIRROR=${mirror} holds hashicorp/aws ${versions.join(', ') || 'no version'}, no 6.x (the version @cdktn/provider-aws binds)`,
    };
  }
  if (env.TF_PROVIDER_REGISTRY === '1')
    return { available: true, via: 'the Terraform registry (TF_PROVIDER_REGISTRY=1)' };
  return {
    available: false,
    reason:
      'no TF_PROVIDER_MIRROR is set, and without TF_PROVIDER_REGISTRY=1 the check does not reach for the Terraform registry',
  };
}

/** Versions in a mirror folder: unpacked (`<version>/<os>_<arch>/`) or packed (`terraform-provider-aws_<version>_<os>_<arch>.zip`). */
function mirrorVersions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const versions = readdirSync(dir).map((name) =>
    name.endsWith('.zip') ? (/^terraform-provider-aws_([^_]+)_/.exec(name)?.[1] ?? '') : name,
  );
  return [...new Set(versions.filter((v) => /^\d+\.\d+\.\d+/.test(v)))].sort();
}
