import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppNotFoundError, SynthesisFailedError, UnknownStackError } from '../errors';
import type { SynthesizedStack } from './synthesized-stack';

/** The part of `cdktf.out/manifest.json` read here. */
interface Manifest {
  readonly stacks: Readonly<
    Record<string, { readonly name: string; readonly synthesizedStackPath: string; readonly workingDirectory: string }>
  >;
}

export interface LoadedApp {
  /** The synthesized app's folder (holds `manifest.json`). */
  readonly outdir: string;
  /** How the stacks came to be, for the report. */
  readonly source: 'synthesized' | 'read';
  /** Every stack, in the manifest's order. */
  readonly stacks: readonly SynthesizedStack[];
}

export interface LoadOptions {
  /** A synthesized app (`cdktf.out`); when absent, the app in `cwd` is synthesized. */
  readonly out?: string;
  readonly cwd: string;
}

/**
 * Finds the stacks to review: `--out DIR` as given; otherwise the app of `cwd/cdktf.json`,
 * synthesized by running its `app` command as `cdktf synth` does (into its `output` folder,
 * `cdktf.out` by default, so a stale one is never reviewed); otherwise `cwd/cdktf.out`.
 */
export function loadApp(options: LoadOptions): LoadedApp {
  if (options.out !== undefined) return { ...readManifest(resolve(options.cwd, options.out)), source: 'read' };
  const project = join(options.cwd, 'cdktf.json');
  if (existsSync(project)) return { ...readManifest(synthesize(options.cwd, project)), source: 'synthesized' };
  const fallback = join(options.cwd, 'cdktf.out');
  if (existsSync(join(fallback, 'manifest.json'))) return { ...readManifest(fallback), source: 'read' };
  throw new AppNotFoundError(
    `no cdktf.json and no cdktf.out/manifest.json in ${options.cwd}: run it in a CDKTF project, or pass --out DIR (the output of cdktf synth)`,
  );
}

function synthesize(cwd: string, project: string): string {
  let settings: { app?: unknown; output?: unknown };
  try {
    settings = JSON.parse(readFileSync(project, 'utf8')) as typeof settings;
  } catch (error) {
    throw new SynthesisFailedError(`${project}: not valid JSON (${(error as Error).message})`);
  }
  const app = settings.app;
  if (typeof app !== 'string' || app.trim() === '')
    throw new SynthesisFailedError(`${project}: has no "app" command to synthesize`);
  const outdir = resolve(cwd, typeof settings.output === 'string' ? settings.output : 'cdktf.out');
  // The app's own output is progress, not the report: it goes to standard error.
  const result = spawnSync(app, {
    cwd,
    shell: true,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, CDKTF_OUTDIR: outdir },
  });
  if (result.error || result.status !== 0) {
    throw new SynthesisFailedError(
      `the app command "${app}" (cdktf.json) failed${result.status !== null ? ` with exit code ${result.status}` : ''}; its output is above`,
    );
  }
  return outdir;
}

function readManifest(outdir: string): Omit<LoadedApp, 'source'> {
  const file = join(outdir, 'manifest.json');
  if (!existsSync(file))
    throw new AppNotFoundError(`${outdir}: no manifest.json; point --out at the folder cdktf synth writes (cdktf.out)`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new AppNotFoundError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const stacks = Object.values(manifest.stacks ?? {}).map((entry) => {
    const path = join(outdir, entry.synthesizedStackPath);
    try {
      return {
        name: entry.name,
        dir: join(outdir, entry.workingDirectory),
        json: JSON.parse(readFileSync(path, 'utf8')),
      };
    } catch (error) {
      throw new AppNotFoundError(
        `${path}: cannot read the synthesized stack (${(error as Error).message.split('\n')[0]})`,
      );
    }
  });
  return { outdir, stacks };
}

/** The stacks named (all when none are), or an error naming the unknown ones and the known ones. */
export function selectStacks(app: LoadedApp, names: readonly string[]): readonly SynthesizedStack[] {
  const known = app.stacks.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UnknownStackError(
      `no stack named ${unknown.map((n) => `"${n}"`).join(', ')} in ${app.outdir}; stacks: ${known.join(', ') || '(none)'}`,
    );
  }
  return names.length > 0 ? app.stacks.filter((s) => names.includes(s.name)) : app.stacks;
}
