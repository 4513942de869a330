import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformFailedError, TerraformMissingError } from './errors';

/**
 * Runs Terraform on a synthesized stack: live, in the stack's folder with the credentials of the
 * environment, or offline: a copy of the stack, an override file with dummy credentials, the skip
 * flags, no account guard and a local backend, and a provider mirror when `TF_PROVIDER_MIRROR`
 * names one (the way air-gapped teams work). The review command and the tests use it alike.
 */

export function terraformVersion(): string {
  const result = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: process.env });
  if (result.error || result.status !== 0) throw new TerraformMissingError();
  return (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
}

/**
 * An override file's content: a local backend, and `settings` added to every AWS provider of the
 * stack (each keeps its alias), so the real `cdk.tf.json` stays untouched.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function localOverride(stackJson: any, settings: Readonly<Record<string, unknown>>): object {
  const providers = (stackJson.provider?.aws ?? []) as { alias?: string }[];
  return {
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    provider: { aws: providers.map((p) => ({ ...(p.alias ? { alias: p.alias } : {}), ...settings })) },
  };
}

/** The override that makes a stack plan offline. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function offlineOverride(stackJson: any): object {
  return localOverride(stackJson, {
    access_key: 'offline-test',
    secret_key: 'offline-test',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    // The account guard needs an account id lookup, which an offline plan cannot make.
    allowed_account_ids: [],
    // A provider that assumes a role calls STS before anything else. An override replaces the nested
    // blocks of a type it names, so this one block with an empty role_arn (which the provider takes
    // as "assume nothing") clears the original; an empty list adds no block and leaves it in place.
    assume_role: [{ role_arn: '' }],
  });
}

function cliConfig(workDir: string): Record<string, string> {
  const mirror = process.env.TF_PROVIDER_MIRROR;
  const env: Record<string, string> = { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
  if (mirror) {
    const file = join(workDir, 'terraform.tfrc');
    writeFileSync(
      file,
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`,
    );
    env.TF_CLI_CONFIG_FILE = file;
  }
  return env;
}

export interface PlanResult {
  readonly dir: string;
  /** What `terraform validate` printed; absent when the plan alone validated the configuration. */
  readonly validate?: string;
  readonly plan: string;
}

export interface PlanOfflineOptions {
  /**
   * Run `terraform validate` before the plan. `terraform plan` validates the configuration itself,
   * with the same validation walk, and stops on the same errors before planning anything; a separate
   * `terraform validate` repeats that walk and loads the provider's schema once more (about 3 s of
   * CPU, plus a provider process per provider configuration).
   *
   * @default true
   */
  readonly validate?: boolean;
}

export function run(dir: string, env: Record<string, string>, args: string[]): string {
  try {
    return execFileSync('terraform', args, {
      cwd: dir,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new TerraformFailedError(dir, args, e.stderr ?? '', e.stdout ?? '');
  }
}

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs terraform without blocking (several stacks can plan at once); the exit code is returned, not thrown. */
export function runAsync(dir: string, env: Record<string, string>, args: string[]): Promise<TerraformRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      'terraform',
      args,
      { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : undefined) : 0;
        if (code === undefined) return reject(error);
        resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
      },
    );
  });
}

async function runChecked(dir: string, env: Record<string, string>, args: string[]): Promise<string> {
  const result = await runAsync(dir, env, args);
  if (result.code !== 0) throw new TerraformFailedError(dir, args, result.stderr, result.stdout);
  return result.stdout;
}

/** `terraform show -json` of the plan file that `planOffline` (or a live plan) wrote in `dir`. */
export function showPlanJson(dir: string, planFile = 'tfplan'): string {
  return run(dir, cliConfig(dir), ['show', '-json', planFile]);
}

/**
 * Plans a stack against its real state with the credentials of the environment (init, plan, show),
 * in the stack's own folder, and returns `terraform show -json` of the plan.
 */
export async function planLive(stackDir: string): Promise<string> {
  const env = cliConfig(stackDir);
  await runChecked(stackDir, env, ['init', '-input=false', '-no-color']);
  await runChecked(stackDir, env, ['plan', '-input=false', '-no-color', '-lock=false', '-out=tfplan']);
  return runChecked(stackDir, env, ['show', '-json', 'tfplan']);
}

/**
 * Like `planOffline`, without blocking and without the validate step, for the review command:
 * returns `terraform show -json` of the plan.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function planOfflineJson(stackDir: string, stackJson: any): Promise<string> {
  const { dir, env } = prepareCopy(stackDir, offlineOverride(stackJson));
  await runChecked(dir, env, ['init', '-input=false', '-no-color', '-backend=true']);
  await runChecked(dir, env, ['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=tfplan']);
  return runChecked(dir, env, ['show', '-json', 'tfplan']);
}

/**
 * Copies a synthesized stack folder, adds the offline override, and runs init, validate (unless
 * `options.validate` is false) and plan.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function planOffline(stackDir: string, stackJson: any, options: PlanOfflineOptions = {}): PlanResult {
  const { dir, env } = initOffline(stackDir, stackJson);
  const validate = options.validate === false ? undefined : run(dir, env, ['validate', '-no-color']);
  const plan = run(dir, env, ['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=tfplan']);
  return { dir, ...(validate === undefined ? {} : { validate }), plan };
}

/**
 * Like `planOffline` but stops after `terraform validate`: for configurations whose plan needs AWS,
 * such as an import block (Terraform reads the imported object at plan time).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function validateOffline(stackDir: string, stackJson: any): string {
  const { dir, env } = initOffline(stackDir, stackJson);
  return run(dir, env, ['validate', '-no-color']);
}

/** A copy of the stack folder with the offline override, initialized. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function initOffline(stackDir: string, stackJson: any): { dir: string; env: Record<string, string> } {
  return initCopy(stackDir, offlineOverride(stackJson));
}

/** A copy of the stack folder with an override file beside `cdk.tf.json`, initialized. */
export function initCopy(stackDir: string, override: object): { dir: string; env: Record<string, string> } {
  const { dir, env } = prepareCopy(stackDir, override);
  run(dir, env, ['init', '-input=false', '-no-color', '-backend=true']);
  return { dir, env };
}

/**
 * A copy of the stack folder with an override file beside `cdk.tf.json` (the real output is left
 * untouched), and the CLI settings to run terraform in it.
 */
export function prepareCopy(stackDir: string, override: object): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-tf-'));
  copyDir(stackDir, dir);
  writeFileSync(join(dir, 'zz_override.tf.json'), JSON.stringify(override, null, 2));
  return { dir, env: cliConfig(dir) };
}

function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === '.terraform') continue;
    if (entry.isDirectory()) copyDir(join(from, entry.name), join(to, entry.name));
    else copyFileSync(join(from, entry.name), join(to, entry.name));
  }
}
