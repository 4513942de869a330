import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentInput, EnvironmentSource } from '../../environments';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { EMULATOR_PATCHES } from '../deploy/emulator-gaps';
import {
  type AwsCall,
  type AwsCallResult,
  type Emulator,
  awsCalls,
  deliverAccessLogs,
  okResult,
  startEmulator,
} from './emulator';
import { regionOf } from './policies';
import { type SynthesizedStack, synthesize } from './synth';
import { type TerraformRun, emulatorOverride, prepareCopy, runAsync } from './terraform';

/**
 * Deploys one environment on the local AWS API emulator the way an operator's first `cdktf deploy`
 * would: apply in one pass, plan again (it must show no change), read what was deployed back from
 * the emulator, then destroy. Resources the environment only references (the VPC, subnets and route
 * tables of its VPC endpoints; the Identity Center instance and the groups and users of its
 * assignments) are created on the emulator first and their ids substituted. Each AWS account the
 * stack's providers deploy into (the environment's, and Identity Center's admin account) has its
 * own emulator, and each provider is pointed at its account's.
 */

export interface ReadBack {
  /** What was read, e.g. "aws_iam_role.federation_role_0B2A4638 trust policy". */
  readonly what: string;
  readonly deployed: unknown;
  readonly synthesized: unknown;
}

export interface DeployResult {
  readonly name: string;
  readonly stack: SynthesizedStack;
  readonly apply: TerraformRun;
  /** Exit code of `terraform plan -detailed-exitcode` after the apply: 0 means no changes. */
  readonly secondPlan?: TerraformRun;
  /** Addresses and actions the second plan would change, from its JSON. */
  readonly secondPlanChanges: readonly string[];
  /**
   * The AWS API operations the provider called while the second plan refreshed the state, by
   * Terraform resource type (`''` for the provider's own calls, such as the account check).
   */
  readonly refreshCalls: Readonly<Record<string, readonly string[]>>;
  readonly readBack: readonly ReadBack[];
  readonly destroy?: TerraformRun;
  /** What the first destroy refused to delete, if anything (a bucket with objects and the S3 error code). */
  readonly destroyRefusals: readonly { readonly bucket: string; readonly code: string }[];
  /** Buckets that held objects (emptied before the destroy), with how many versions each. */
  readonly emptiedBuckets: Readonly<Record<string, number>>;
  /** Resources left in the state after the destroy. */
  readonly remaining: readonly string[];
  /** The emulator's last output, for failure messages. */
  readonly emulatorLog: string;
  /** Seconds from starting the emulators to the end of the destroy. */
  readonly seconds: number;
  /** Seconds each step took until its end, in order (emulators, synth, init, apply, ...). */
  readonly steps: Readonly<Record<string, number>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Terraform's `-parallelism` for the emulator: more resources in flight than the default 10. Most of
 * an apply is the AWS provider waiting on resources that are already there (it reads an S3 lifecycle
 * configuration back ten times over 55 s, SQS attributes six times over 25 s), and each region adds
 * such waits, so with 10 a multi-region environment would queue them behind each other.
 */
const PARALLELISM = '-parallelism=64';

/** `10.20.0.0/16` and 3 -> `10.20.3.0/24`: the n-th /24 inside a VPC range of /23 or wider. */
export function nthSubnet(vpcCidr: string, n: number): string {
  const [address, prefix] = vpcCidr.split('/');
  if (Number(prefix) > 23) throw new Error(`VPC range ${vpcCidr} is too narrow for /24 test subnets`);
  const base = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const value = base + n * 256;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')}/24`;
}

/** Creates the VPC, subnets and route tables an environment's endpoints reference; returns the input with their ids. */
async function createReferencedNetwork(emulator: Emulator, input: EnvironmentInput): Promise<EnvironmentInput> {
  const endpoints = input.vpcEndpoints ?? {};
  const substituted: Record<string, unknown> = {};
  for (const [region, config] of Object.entries(endpoints)) {
    if (!config) continue;
    const [vpc] = await awsCalls(emulator.endpoint, [
      { service: 'ec2', region, method: 'create_vpc', params: { CidrBlock: config.vpcCidr } },
    ]);
    const vpcId = (okResult(vpc, 'CreateVpc').Vpc as { VpcId: string }).VpcId;
    const calls: AwsCall[] = [
      ...config.subnetIds.map((_, i) => ({
        service: 'ec2',
        region,
        method: 'create_subnet',
        params: { VpcId: vpcId, CidrBlock: nthSubnet(config.vpcCidr, i), AvailabilityZone: `${region}${'abc'[i % 3]}` },
      })),
      ...(config.routeTableIds ?? []).map(() => ({
        service: 'ec2',
        region,
        method: 'create_route_table',
        params: { VpcId: vpcId },
      })),
    ];
    const results = (await awsCalls(emulator.endpoint, calls)).map((r) => okResult(r, 'creating the VPC'));
    substituted[region] = {
      ...config,
      vpcId,
      subnetIds: results.slice(0, config.subnetIds.length).map((r) => (r.Subnet as { SubnetId: string }).SubnetId),
      routeTableIds: results
        .slice(config.subnetIds.length)
        .map((r) => (r.RouteTable as { RouteTableId: string }).RouteTableId),
    };
  }
  return Object.keys(substituted).length === 0 ? input : ({ ...input, vpcEndpoints: substituted } as EnvironmentInput);
}

/**
 * Finds the Identity Center instance of the admin account's emulator (moto makes one per account and
 * region, as enabling Identity Center does), creates the groups and users the assignments name in
 * its identity store, and returns the input with their ids.
 */
async function createReferencedIdentityCenter(admin: Emulator, input: EnvironmentInput): Promise<EnvironmentInput> {
  const identity = input.identity as Json;
  if (identity?.type !== 'identity-center') return input;
  const region = String(identity.region);
  const [listed] = await awsCalls(admin.endpoint, [{ service: 'sso-admin', region, method: 'list_instances' }]);
  const [instance] = okResult(listed, 'ListInstances').Instances as { InstanceArn: string; IdentityStoreId: string }[];
  const assignments = (identity.assignments ?? []) as { principalType: 'GROUP' | 'USER'; principalId: string }[];
  const created = await awsCalls(
    admin.endpoint,
    assignments.map((a, i): AwsCall => {
      const name = `${input.name}-${a.principalType.toLowerCase()}-${i}`;
      return a.principalType === 'GROUP'
        ? {
            service: 'identitystore',
            region,
            method: 'create_group',
            params: { IdentityStoreId: instance.IdentityStoreId, DisplayName: name },
          }
        : {
            service: 'identitystore',
            region,
            method: 'create_user',
            params: {
              IdentityStoreId: instance.IdentityStoreId,
              UserName: name,
              DisplayName: name,
              Name: { GivenName: name, FamilyName: 'Test' },
            },
          };
    }),
  );
  const ids = created.map((r, i) => {
    const result = okResult(r, `creating the ${assignments[i].principalType.toLowerCase()} of assignment ${i}`);
    return String(result.GroupId ?? result.UserId);
  });
  return {
    ...input,
    identity: {
      ...identity,
      instanceArn: instance.InstanceArn,
      assignments: assignments.map((a, i) => ({ ...a, principalId: ids[i] })),
    },
  } as EnvironmentInput;
}

/** The accounts the environment's providers deploy into: its own first, then Identity Center's admin account. */
function accountsOf(input: EnvironmentInput): string[] {
  const identity = input.identity as Json;
  const admin = identity?.type === 'identity-center' ? String(identity.adminAccountId) : undefined;
  return [input.accountId, ...(admin && admin !== input.accountId ? [admin] : [])];
}

/** The account a resource is deployed into: the `allowed_account_ids` of its provider. */
function accountOf(stack: SynthesizedStack, type: string, name: string): string {
  const alias = /^aws\.(.+)$/.exec(String(stack.json.resource?.[type]?.[name]?.provider ?? ''))?.[1];
  const providers = (stack.json.provider?.aws ?? []) as { alias?: string; allowed_account_ids?: string[] }[];
  const provider = providers.find((p) => (alias ? p.alias === alias : !p.alias));
  const account = provider?.allowed_account_ids?.[0];
  if (!account) throw new Error(`${type}.${name}: its provider names no account (allowed_account_ids)`);
  return account;
}

/** The emulator override with each provider on the emulator of its own account. */
function overrideFor(stack: SynthesizedStack, emulators: ReadonlyMap<string, Emulator>, main: Emulator): object {
  return emulatorOverride(stack.json, (provider) => emulators.get(provider.allowed_account_ids?.[0] ?? '') ?? main);
}

interface StateFile {
  readonly resources?: readonly {
    readonly mode: 'managed' | 'data';
    readonly type: string;
    readonly name: string;
    readonly instances: readonly { readonly index_key?: string | number; readonly attributes: Json }[];
  }[];
}

/**
 * The local state file of a deploy folder. Read as a file rather than through `terraform show -json`
 * or `terraform state list`, which start the AWS provider to load its schema (seconds of CPU each).
 */
function stateFile(dir: string): StateFile {
  const file = join(dir, 'terraform.tfstate');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StateFile) : {};
}

/** Terraform state values by resource address (`type.name`), as `terraform show -json` gives them. */
function stateValues(dir: string): Map<string, Json> {
  const managed = (stateFile(dir).resources ?? []).filter((r) => r.mode === 'managed' && r.instances.length > 0);
  return new Map(managed.map((r) => [`${r.type}.${r.name}`, r.instances[0].attributes]));
}

/** Every resource instance address in the state, as `terraform state list` prints them. */
function stateAddresses(dir: string): string[] {
  return (stateFile(dir).resources ?? []).flatMap((r) =>
    r.instances.map((i) => {
      const key = i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`;
      return `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}${key}`;
    }),
  );
}

const REFERENCE = /(?<!\$)\$\{([a-z][a-z0-9_]*)\.([\w-]+)\.([a-z_]+)\}/g;

/** A synthesized string with every reference replaced by the deployed value and the template escaping undone. */
function resolved(text: string, state: Map<string, Json>): string {
  const replaced = text.replace(REFERENCE, (whole, type: string, name: string, attribute: string) => {
    const value = state.get(`${type}.${name}`)?.[attribute];
    if (value === undefined) throw new Error(`cannot resolve ${whole} from the deployed state`);
    return String(value);
  });
  return unescapeTerraformTemplate(replaced);
}

const asJson = (text: unknown) => (typeof text === 'string' ? JSON.parse(text) : text);

/** One read-back: the call to make, and how to turn its result and the resource into the two sides. */
interface ReadBackPlan {
  readonly what: string;
  /** The account whose emulator answers the call. */
  readonly account: string;
  readonly call: AwsCall;
  readonly deployed: (result: Json) => unknown;
  readonly synthesized: unknown;
}

function readBackPlans(stack: SynthesizedStack, state: Map<string, Json>): ReadBackPlan[] {
  const plans: Omit<ReadBackPlan, 'account'>[] = [];
  const accounts: string[] = [];
  const each = (type: string, add: (name: string, r: Json, deployed: Json, region: string) => void) => {
    for (const [name, resource] of Object.entries(stack.json.resource?.[type] ?? {})) {
      add(name, resource, state.get(`${type}.${name}`) ?? {}, regionOf(stack, type, name));
      while (accounts.length < plans.length) accounts.push(accountOf(stack, type, name));
    }
  };
  each('aws_iam_role', (name, r, _, region) => {
    plans.push({
      what: `aws_iam_role.${name} trust policy`,
      call: { service: 'iam', region, method: 'get_role', params: { RoleName: r.name } },
      deployed: (result) => ({
        trust: asJson(result.Role.AssumeRolePolicyDocument),
        maxSessionDuration: result.Role.MaxSessionDuration,
        boundary: result.Role.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
      }),
      synthesized: {
        trust: JSON.parse(resolved(r.assume_role_policy, state)),
        maxSessionDuration: r.max_session_duration ?? 3600,
        boundary: r.permissions_boundary ? resolved(r.permissions_boundary, state) : null,
      },
    });
  });
  each('aws_iam_role_policy', (name, r, deployed, region) => {
    plans.push({
      what: `aws_iam_role_policy.${name}`,
      call: {
        service: 'iam',
        region,
        method: 'get_role_policy',
        params: { RoleName: String(deployed.role), PolicyName: r.name },
      },
      deployed: (result) => asJson(result.PolicyDocument),
      synthesized: JSON.parse(resolved(r.policy, state)),
    });
  });
  each('aws_kms_key', (name, r, deployed, region) => {
    plans.push({
      what: `aws_kms_key.${name} key policy`,
      call: {
        service: 'kms',
        region,
        method: 'get_key_policy',
        params: { KeyId: deployed.key_id, PolicyName: 'default' },
      },
      deployed: (result) => asJson(result.Policy),
      synthesized: JSON.parse(resolved(r.policy, state)),
    });
    plans.push({
      what: `aws_kms_key.${name} rotation`,
      call: { service: 'kms', region, method: 'get_key_rotation_status', params: { KeyId: deployed.key_id } },
      deployed: (result) => result.KeyRotationEnabled,
      synthesized: r.enable_key_rotation === true,
    });
  });
  each('aws_s3_bucket_policy', (name, r, deployed, region) => {
    plans.push({
      what: `aws_s3_bucket_policy.${name}`,
      call: { service: 's3', region, method: 'get_bucket_policy', params: { Bucket: deployed.bucket } },
      deployed: (result) => asJson(result.Policy),
      synthesized: JSON.parse(resolved(r.policy, state)),
    });
  });
  each('aws_s3_bucket_logging', (name, r, deployed, region) => {
    plans.push({
      what: `aws_s3_bucket_logging.${name}`,
      call: { service: 's3', region, method: 'get_bucket_logging', params: { Bucket: deployed.bucket } },
      deployed: (result) => result.LoggingEnabled,
      synthesized: { TargetBucket: resolved(r.target_bucket, state), TargetPrefix: r.target_prefix },
    });
  });
  each('aws_ssm_document', (name, r, _, region) => {
    plans.push({
      what: `aws_ssm_document.${name} (${r.name} in ${region})`,
      call: { service: 'ssm', region, method: 'get_document', params: { Name: r.name, DocumentFormat: 'JSON' } },
      deployed: (result) => ({ type: result.DocumentType, content: asJson(result.Content) }),
      synthesized: { type: r.document_type, content: JSON.parse(resolved(r.content, state)) },
    });
  });
  each('aws_sqs_queue_policy', (name, r, deployed, region) => {
    plans.push({
      what: `aws_sqs_queue_policy.${name}`,
      call: {
        service: 'sqs',
        region,
        method: 'get_queue_attributes',
        params: { QueueUrl: deployed.queue_url, AttributeNames: ['Policy'] },
      },
      deployed: (result) => asJson(result.Attributes?.Policy),
      synthesized: JSON.parse(resolved(r.policy, state)),
    });
  });
  each('aws_lambda_function', (name, r, _, region) => {
    const logging = r.logging_config ?? {};
    const variables = Object.fromEntries(
      Object.entries((r.environment?.variables ?? {}) as Record<string, string>).map(([k, v]) => [
        k,
        resolved(v, state),
      ]),
    );
    plans.push({
      what: `aws_lambda_function.${name} configuration`,
      call: {
        service: 'lambda',
        region,
        method: 'get_function_configuration',
        params: { FunctionName: r.function_name },
      },
      deployed: (result) => ({
        role: result.Role,
        runtime: result.Runtime,
        handler: result.Handler,
        architectures: result.Architectures,
        memorySize: result.MemorySize,
        timeout: result.Timeout,
        tracing: result.TracingConfig?.Mode,
        environment: result.Environment?.Variables ?? {},
        logging: result.LoggingConfig,
      }),
      synthesized: {
        role: resolved(r.role, state),
        runtime: r.runtime,
        handler: r.handler,
        architectures: r.architectures,
        memorySize: r.memory_size,
        timeout: r.timeout,
        tracing: r.tracing_config?.mode,
        environment: variables,
        logging: {
          LogFormat: logging.log_format,
          LogGroup: resolved(logging.log_group, state),
          ApplicationLogLevel: logging.application_log_level,
          SystemLogLevel: logging.system_log_level,
        },
      },
    });
  });
  const defaultTags = (type: string, name: string): Record<string, string> => {
    const alias = String(stack.json.resource?.[type]?.[name]?.provider ?? '').replace(/^aws\./, '');
    const providers = (stack.json.provider?.aws ?? []) as { alias?: string; default_tags?: { tags?: Json }[] }[];
    const provider = providers.find((p) => (alias ? p.alias === alias : !p.alias));
    return provider?.default_tags?.[0]?.tags ?? {};
  };
  const byKey = <T extends { Key: string }>(items: T[]) => [...items].sort((a, b) => a.Key.localeCompare(b.Key));
  each('aws_ssoadmin_permission_set', (name, r, deployed, region) => {
    const ids = { InstanceArn: r.instance_arn, PermissionSetArn: deployed.arn };
    plans.push({
      what: `aws_ssoadmin_permission_set.${name}`,
      call: { service: 'sso-admin', region, method: 'describe_permission_set', params: ids },
      deployed: (result) => ({
        name: result.PermissionSet.Name,
        description: result.PermissionSet.Description,
        sessionDuration: result.PermissionSet.SessionDuration,
      }),
      synthesized: { name: r.name, description: r.description, sessionDuration: r.session_duration ?? 'PT1H' },
    });
    plans.push({
      what: `aws_ssoadmin_permission_set.${name} tags`,
      call: {
        service: 'sso-admin',
        region,
        method: 'list_tags_for_resource',
        params: { InstanceArn: r.instance_arn, ResourceArn: deployed.arn },
      },
      deployed: (result) => byKey(result.Tags),
      synthesized: byKey(
        Object.entries({ ...defaultTags('aws_ssoadmin_permission_set', name), ...(r.tags ?? {}) }).map(
          ([Key, Value]) => ({ Key, Value: String(Value) }),
        ),
      ),
    });
  });
  each('aws_ssoadmin_permission_set_inline_policy', (name, r, deployed, region) => {
    plans.push({
      what: `aws_ssoadmin_permission_set_inline_policy.${name}`,
      call: {
        service: 'sso-admin',
        region,
        method: 'get_inline_policy_for_permission_set',
        params: { InstanceArn: r.instance_arn, PermissionSetArn: deployed.permission_set_arn },
      },
      deployed: (result) => asJson(result.InlinePolicy),
      synthesized: JSON.parse(resolved(r.inline_policy, state)),
    });
  });
  each('aws_ssoadmin_instance_access_control_attributes', (name, r, _, region) => {
    plans.push({
      what: `aws_ssoadmin_instance_access_control_attributes.${name}`,
      call: {
        service: 'sso-admin',
        region,
        method: 'describe_instance_access_control_attribute_configuration',
        params: { InstanceArn: r.instance_arn },
      },
      deployed: (result) => ({
        status: result.Status,
        attributes: byKey(result.InstanceAccessControlAttributeConfiguration.AccessControlAttributes),
      }),
      synthesized: {
        status: 'ENABLED',
        attributes: byKey(
          (r.attribute as Json[]).map((a) => ({
            Key: a.key,
            Value: { Source: (a.value[0].source as string[]).map((v) => resolved(v, state)) },
          })),
        ),
      },
    });
  });
  each('aws_ssoadmin_account_assignment', (name, r, deployed, region) => {
    plans.push({
      what: `aws_ssoadmin_account_assignment.${name}`,
      call: {
        service: 'sso-admin',
        region,
        method: 'list_account_assignments',
        params: { InstanceArn: r.instance_arn, AccountId: r.target_id, PermissionSetArn: deployed.permission_set_arn },
      },
      deployed: (result) => result.AccountAssignments,
      synthesized: [
        {
          AccountId: r.target_id,
          PermissionSetArn: deployed.permission_set_arn,
          PrincipalType: r.principal_type,
          PrincipalId: r.principal_id,
        },
      ],
    });
  });
  return plans.map((plan, i) => ({ ...plan, account: accounts[i] }));
}

/**
 * The operations in a Terraform debug log's "HTTP Request Sent" lines, by resource type. Not every
 * request line names its resource type, but every line of the same provider request (`tf_req_id`)
 * does once, so the type is taken from any line of the request.
 */
export function refreshCallsOf(log: string): Record<string, string[]> {
  // One record per timestamped line; a value with line breaks (a request body) continues it.
  const lines = log.split(/\n(?=\d{4}-\d{2}-\d{2}T)/);
  const typeOf = new Map<string, string>();
  for (const line of lines) {
    const request = /\btf_req_id=([\w-]+)/.exec(line)?.[1];
    const type = /\btf_resource_type=([a-z0-9_]+)/.exec(line)?.[1];
    if (request && type) typeOf.set(request, type);
  }
  const calls: Record<string, Set<string>> = {};
  for (const line of lines) {
    if (!line.includes('HTTP Request Sent')) continue;
    const request = /\btf_req_id=([\w-]+)/.exec(line)?.[1];
    const type = /\btf_resource_type=([a-z0-9_]+)/.exec(line)?.[1] ?? (request ? typeOf.get(request) : undefined) ?? '';
    const method = /\brpc\.method=(\w+)/.exec(line)?.[1];
    if (method) (calls[type] ??= new Set()).add(method);
  }
  return Object.fromEntries(Object.entries(calls).map(([type, methods]) => [type, [...methods].sort()]));
}

/** Actions other than no-op in a plan's JSON (`terraform show -json <planfile>`). */
export function plannedChanges(planJson: string): string[] {
  const plan = JSON.parse(planJson) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
  return (plan.resource_changes ?? [])
    .filter((c) => !(c.change.actions.length === 1 && ['no-op', 'read'].includes(c.change.actions[0])))
    .map((c) => `${c.address}: ${c.change.actions.join(', ')}`);
}

/** The changes in the second plan's file, or why they could not be read. */
async function plannedChangesIn(dir: string, env: Record<string, string>): Promise<string[]> {
  const shown = await runAsync(dir, env, ['show', '-json', 'second.tfplan']);
  return shown.code === 0 ? plannedChanges(shown.stdout) : [`terraform show failed: ${shown.stderr}`];
}

/** The buckets a failed destroy could not delete, with the S3 error code of each; other errors as they are. */
export function refusedBuckets(destroy: TerraformRun): { bucket: string; code: string }[] {
  if (destroy.code === 0) return [];
  return destroy.stderr
    .split(/\n(?=Error: )/)
    .filter((error) => error.startsWith('Error: '))
    .map((error) => {
      const match = /deleting S3 Bucket \(([^)]+)\)[\s\S]*?api error (\w+)/.exec(error);
      return match ? { bucket: match[1], code: match[2] } : { bucket: '', code: error.split('\n')[0] };
    });
}

/**
 * Deletes every object version and delete marker in the stack's buckets still in the state; returns
 * the counts of those that had any. One batch of listings and one of deletions (each batch is one
 * Python process).
 */
async function emptyBuckets(
  emulator: Emulator,
  stack: SynthesizedStack,
  state: Map<string, Json>,
): Promise<Record<string, number>> {
  const buckets = Object.keys(stack.json.resource?.aws_s3_bucket ?? {})
    .filter((name) => state.has(`aws_s3_bucket.${name}`))
    .map((name) => ({
      bucket: String(state.get(`aws_s3_bucket.${name}`).bucket),
      region: regionOf(stack, 'aws_s3_bucket', name),
    }));
  const listed = await awsCalls(
    emulator.endpoint,
    buckets.map(({ bucket, region }) => ({
      service: 's3',
      region,
      method: 'list_object_versions',
      params: { Bucket: bucket },
    })),
  );
  const full = buckets.flatMap(({ bucket, region }, i) => {
    const versions = okResult(listed[i], `listing ${bucket}`) as { Versions?: Json[]; DeleteMarkers?: Json[] };
    const objects = [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key,
      VersionId: v.VersionId,
    }));
    return objects.length === 0 ? [] : [{ bucket, region, objects }];
  });
  const deleted = await awsCalls(
    emulator.endpoint,
    full.map(({ bucket, region, objects }) => ({
      service: 's3',
      region,
      method: 'delete_objects',
      params: { Bucket: bucket, Delete: { Objects: objects } },
    })),
  );
  deleted.forEach((result, i) => {
    // DeleteObjects answers 200 with the keys it did not delete.
    const errors = (okResult(result, `emptying ${full[i].bucket}`).Errors ?? []) as { Key: string; Code: string }[];
    if (errors.length > 0) {
      throw new Error(`emptying ${full[i].bucket}: ${errors.length} not deleted, e.g. ${JSON.stringify(errors[0])}`);
    }
  });
  return Object.fromEntries(full.map(({ bucket, objects }) => [bucket, objects.length]));
}

/**
 * Synthesizes, deploys, plans again, reads back and destroys one environment on its own emulators
 * (one per account its providers deploy into).
 */
export async function deployOnEmulator(source: EnvironmentSource): Promise<DeployResult> {
  const startedAt = Date.now();
  const seconds = () => (Date.now() - startedAt) / 1000;
  const steps: Record<string, number> = {};
  let stepStart = startedAt;
  const step = (name: string) => {
    steps[name] = (Date.now() - stepStart) / 1000;
    stepStart = Date.now();
  };
  const input = source.input as EnvironmentInput;
  const started = await Promise.allSettled(
    accountsOf(input).map((account) => startEmulator(account, EMULATOR_PATCHES)),
  );
  step('emulators');
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const emulators = new Map(running.map((e) => [e.accountId, e]));
  const emulator = running[0];
  const log = () =>
    running.length === 1 ? emulator.log() : running.map((e) => `[account ${e.accountId}]\n${e.log()}`).join('\n');
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const admin = emulators.get(accountsOf(input).at(-1)!)!;
    const deployed = await createReferencedIdentityCenter(admin, await createReferencedNetwork(emulator, input));
    step('referenced resources');
    const stack = synthesize([{ file: source.file, input: deployed }]).stacks.get(input.name)!;
    const { dir, env } = prepareCopy(stack.dir, overrideFor(stack, emulators, emulator));
    step('synth');
    const quiet = ['-input=false', '-no-color'];
    const init = await runAsync(dir, env, ['init', ...quiet]);
    if (init.code !== 0) throw new Error(`terraform init failed for ${input.name}:\n${init.stderr}`);
    step('init');

    const apply = await runAsync(dir, env, ['apply', '-auto-approve', PARALLELISM, ...quiet]);
    step('apply');
    const base = { name: input.name, stack, apply };
    if (apply.code !== 0) {
      return {
        ...base,
        secondPlanChanges: [],
        refreshCalls: {},
        readBack: [],
        destroyRefusals: [],
        emptiedBuckets: {},
        remaining: [],
        emulatorLog: log(),
        seconds: seconds(),
        steps,
      };
    }

    // The second plan's debug log names every AWS call the provider made to refresh each resource
    // (the provider's log alone: Terraform's own debug log is not read).
    const planLog = join(dir, 'second-plan.log');
    const secondPlan = await runAsync(dir, { ...env, TF_LOG_PROVIDER: 'debug', TF_LOG_PATH: planLog }, [
      'plan',
      '-detailed-exitcode',
      '-out=second.tfplan',
      PARALLELISM,
      ...quiet,
    ]);
    const refreshCalls = existsSync(planLog) ? refreshCallsOf(readFileSync(planLog, 'utf8')) : {};
    // Exit code 0 is an empty plan; only a plan with changes (or an error) is worth showing.
    const secondPlanChanges = secondPlan.code === 0 ? [] : await plannedChangesIn(dir, env);
    step('second plan');

    const plans = readBackPlans(stack, stateValues(dir));
    const results = new Map<ReadBackPlan, AwsCallResult>();
    for (const [account, target] of emulators) {
      const mine = plans.filter((p) => p.account === account);
      const answers = await awsCalls(
        target.endpoint,
        mine.map((p) => p.call),
      );
      mine.forEach((plan, i) => results.set(plan, answers[i]));
    }
    const readBack = plans.map((plan) => ({
      what: plan.what,
      deployed: plan.deployed(okResult(results.get(plan)!, plan.what)),
      synthesized: plan.synthesized,
    }));
    step('read-back');

    // The audit buckets keep what they hold (force_destroy off), so a destroy refuses while they have
    // objects, such as the access logs S3 delivered for this very deploy. Have the emulator deliver
    // them now (it holds records back as S3 does, see emulator-gaps.ts), then empty the buckets, as
    // an operator decommissioning an environment would after archiving them. The destroy does not
    // refresh: the second plan has just read every resource. Should a bucket still refuse, it is
    // emptied again and the destroy finished.
    await Promise.all(running.map((e) => deliverAccessLogs(e.endpoint)));
    const emptiedBuckets = await emptyBuckets(emulator, stack, stateValues(dir));
    step('emptying');
    const destroyArgs = ['destroy', '-auto-approve', '-refresh=false', PARALLELISM, ...quiet];
    let destroy = await runAsync(dir, env, destroyArgs);
    const destroyRefusals = refusedBuckets(destroy);
    if (destroy.code !== 0 && destroyRefusals.length > 0 && destroyRefusals.every((r) => r.code === 'BucketNotEmpty')) {
      await emptyBuckets(emulator, stack, stateValues(dir));
      destroy = await runAsync(dir, env, destroyArgs);
    }
    step('destroy');
    return {
      ...base,
      secondPlan,
      secondPlanChanges,
      refreshCalls,
      readBack,
      destroy,
      destroyRefusals,
      emptiedBuckets,
      remaining: stateAddresses(dir),
      emulatorLog: log(),
      seconds: seconds(),
      steps,
    };
  } finally {
    await Promise.all(running.map((e) => e.stop()));
  }
}
