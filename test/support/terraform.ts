import { localOverride } from '../../cli/terraform';

// The Terraform runner is the review command's (cli/terraform.ts); the tests use the same one.
export {
  type PlanOfflineOptions,
  type PlanResult,
  type TerraformRun,
  initCopy,
  offlineOverride,
  planOffline,
  prepareCopy,
  run,
  runAsync,
  showPlanJson,
  terraformVersion,
  validateOffline,
} from '../../cli/terraform';

/** The AWS services the stacks call, each pointed at the emulator by the emulator override. */
export const EMULATED_SERVICES = [
  'cloudformation',
  'cloudwatch',
  'ec2',
  'events',
  'iam',
  'kms',
  'lambda',
  'logs',
  's3',
  'sns',
  'sqs',
  'ssm',
  'ssoadmin',
  'sts',
] as const;

/**
 * The override that deploys a stack on a local AWS API emulator (the deploy suite): every provider's
 * endpoints point at it and the state is local. The account guard (`allowed_account_ids`) stays: the
 * emulator answers `sts:GetCallerIdentity` with the environment's account.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function emulatorOverride(stackJson: any, endpoint: string): object {
  return localOverride(stackJson, {
    access_key: 'emulator',
    secret_key: 'emulator',
    skip_metadata_api_check: true,
    s3_use_path_style: true,
    endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))],
  });
}
