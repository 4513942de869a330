import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../modules/core/config-error';
import { describedResources } from '../access/read-stack';
import { EnvironmentConfigError, InputFileError, UnknownStackError } from '../errors';
import { loadApp, selectStacks } from '../stacks/load-stacks';
import type { EnvironmentConfig } from '../../modules/environment/load-environment';
import { shardsOf } from './shards';

/** Where a stack's Terraform state is, as far as the workflows need to know. */
export type StateLocation =
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      readonly lockfile: boolean;
    }
  | { readonly type: 'hcp'; readonly organization: string; readonly workspace: string }
  | { readonly type: 'local' };

/** One stack the workflows plan, apply and check for drift. */
export interface CiTarget {
  readonly name: string;
  readonly accountId: string;
  /** Region of the default provider (IAM is managed through it). */
  readonly region: string;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
  /** The GitHub environment whose jobs the deploy role trusts (its trust policy's `environment:` subject). */
  readonly deployEnvironment: string;
  readonly state: StateLocation;
}

/** One entry of the workflows' matrix: a shard and its stacks. */
export interface MatrixShard {
  /** Slot 0-255: the same for a stack from one run to the next (see shards.ts). */
  readonly shard: number;
  /**
   * The GitHub environment the shard's apply job runs in: the one its stacks' deploy roles trust
   * (each stack's own name today, so a shard of one stack). A job runs in one environment, so when
   * the stacks of a shard trust different ones it is `shard-<NNN>`, which their deploy roles do not
   * trust yet: plans and drift checks work at any size, applies of such a shard need the stacks'
   * deploy roles to trust one shared environment (GitHubActionsRoles `deployEnvironment`).
   */
  readonly environment: string;
  readonly stacks: readonly string[];
}

/** The matrix: every shard that holds a stack, at most 256. */
export function matrixOf(targets: readonly CiTarget[]): MatrixShard[] {
  const environmentOf = new Map(targets.map((t) => [t.name, t.deployEnvironment]));
  return shardsOf(targets.map((t) => t.name)).map(({ shard, stacks }) => {
    const environments = new Set(stacks.map((s) => environmentOf.get(s)!));
    return {
      shard,
      environment: environments.size === 1 ? [...environments][0] : `shard-${String(shard).padStart(3, '0')}`,
      stacks,
    };
  });
}

/** The targets of one shard, or an error naming the shards there are. */
export function shardTargets(targets: readonly CiTarget[], shard: number): CiTarget[] {
  const entry = matrixOf(targets).find((s) => s.shard === shard);
  if (!entry) {
    throw new UnknownStackError(
      `--shard ${shard} holds no stack; shards: ${
        matrixOf(targets)
          .map((s) => s.shard)
          .join(', ') || '(none)'
      }`,
    );
  }
  return targets.filter((t) => entry.stacks.includes(t.name));
}

/** The CI target of each validated environment that has `ci` settings, by the names the stack uses. */
export function targetsOfEnvironments(
  configs: readonly EnvironmentConfig[],
  names: {
    ciRoleNames(config: EnvironmentConfig): { plan: string; deploy: string };
    stateKey(config: EnvironmentConfig, key: string | undefined): string;
  },
): CiTarget[] {
  return configs.flatMap((config) => {
    if (!config.ci) return [];
    const roles = names.ciRoleNames(config);
    const backend = config.backend;
    const state: StateLocation =
      backend.type === 's3'
        ? {
            type: 's3',
            bucket: backend.bucket,
            key: names.stateKey(config, backend.key),
            region: backend.region,
            lockfile: backend.useLockfile,
          }
        : backend.type === 'hcp'
          ? { type: 'hcp', organization: backend.organization, workspace: backend.workspace ?? config.name }
          : { type: 'local' };
    return [
      {
        name: config.name,
        accountId: config.accountId,
        region: config.primaryRegion,
        planRoleArn: `arn:aws:iam::${config.accountId}:role/${roles.plan}`,
        deployRoleArn: `arn:aws:iam::${config.accountId}:role/${roles.deploy}`,
        // What SsmFederatedAccess gives GitHubActionsRoles as deployEnvironment.
        deployEnvironment: config.ci?.deployEnvironment ?? config.name,
        state,
      },
    ];
  });
}

/**
 * This project's environments, validated as the app validates them, without synthesizing: the
 * environment files are read, not the stacks. Loaded on demand, because the package's command line
 * ships without the project's environments/ (a platform team's own app uses `--out DIR`).
 */
export async function projectTargets(cwd: string): Promise<CiTarget[]> {
  let environments: typeof import('../../environments');
  let names: typeof import('../../modules/ssm-federated-access/names');
  try {
    environments = await import('../../environments');
    names = await import('../../modules/ssm-federated-access/names');
  } catch (error) {
    // An organization's account list is read when environments/index.ts loads.
    if (error instanceof ConfigError)
      throw new EnvironmentConfigError(`invalid environment configuration:\n${error.message}`);
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new EnvironmentConfigError(
      `this project's environments/ cannot be loaded (${(error as Error).message.split('\n')[0]}); in your own CDKTF app pass --out DIR (the output of cdktf synth)`,
    );
  }
  try {
    return targetsOfEnvironments(
      environments.loadEnvironments(environments.environmentSources, { rootDir: cwd }),
      names,
    );
  } catch (error) {
    if (error instanceof ConfigError)
      throw new EnvironmentConfigError(`invalid environment configuration:\n${error.message}`);
    throw error;
  }
}

/** The CI targets of a synthesized app: the stacks whose review metadata describes GitHub Actions roles. */
export function synthesizedTargets(cwd: string, out: string, names: readonly string[] = []): CiTarget[] {
  const app = loadApp({ cwd, out });
  return selectStacks(app, names).flatMap((stack) => {
    const described = describedResources(stack);
    const ci = described.find((d) => d.description.part === 'ci-plan-role')?.description;
    const policy = described.find((d) => d.description.part === 'session-policy')?.description;
    if (ci?.part !== 'ci-plan-role') return [];
    const region = (policy?.part === 'session-policy' ? policy.regions[0] : undefined) ?? defaultRegion(stack.json);
    return [
      {
        name: stack.name,
        accountId: ci.accountId,
        region: region ?? '',
        planRoleArn: `arn:aws:iam::${ci.accountId}:role/${ci.planRoleName}`,
        deployRoleArn: `arn:aws:iam::${ci.accountId}:role/${ci.deployRoleName}`,
        deployEnvironment: ci.deployEnvironment ?? stack.name,
        state: backendOf(stack.json),
      },
    ];
  });
}

// Terraform JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function defaultRegion(json: any): string | undefined {
  return ((json.provider?.aws ?? []) as { alias?: string; region?: string }[]).find((p) => !p.alias)?.region;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function backendOf(json: any): StateLocation {
  const s3 = json.terraform?.backend?.s3;
  if (s3) return { type: 's3', bucket: s3.bucket, key: s3.key, region: s3.region, lockfile: s3.use_lockfile === true };
  const cloud = json.terraform?.cloud;
  if (cloud) return { type: 'hcp', organization: cloud.organization, workspace: cloud.workspaces?.name ?? '' };
  return { type: 'local' };
}

/** The stack names of a matrix file (the JSON that `environments` prints). */
export function readMatrixStacks(cwd: string, file: string): string[] {
  try {
    const matrix = JSON.parse(readFileSync(resolve(cwd, file), 'utf8')) as { stacks: string[] }[];
    return matrix.flatMap((entry) => entry.stacks);
  } catch (error) {
    throw new InputFileError(
      `--matrix ${file}: not the JSON of ssm-federated-access environments (${(error as Error).message.split('\n')[0]})`,
    );
  }
}
