import { EMULATOR_PROFILE, type Emulator } from './emulator';

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

/**
 * The override that deploys a stack on local AWS API emulators (the deploy suite): each provider
 * sends every request to the emulator `emulatorFor` picks for it (by the provider's configuration,
 * e.g. its account), and the state is local. The account guard (`allowed_account_ids`) stays: the
 * emulator answers `sts:GetCallerIdentity` with the environment's account.
 *
 * The endpoint comes from a profile of the emulator's shared config file (`endpoint_url`), not from
 * the provider's `endpoints` block: the AWS provider validates that block (an attribute for each of
 * its ~300 services, inside a set) in every provider process, about 3 s of CPU each, and a deploy
 * starts one per region for every graph walk (about 130 for the deploy suite's five environments).
 * The profile also covers every service, so none is left pointing at AWS by a missing entry.
 */
export function emulatorOverride(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stackJson: any,
  emulatorFor: Emulator | ((provider: AwsProviderConfig) => Emulator),
): object {
  const providers = (stackJson.provider?.aws ?? []) as AwsProviderConfig[];
  const pick = typeof emulatorFor === 'function' ? emulatorFor : () => emulatorFor;
  return {
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    provider: {
      aws: providers.map((provider) => ({
        ...(provider.alias ? { alias: provider.alias } : {}),
        access_key: 'emulator',
        secret_key: 'emulator',
        profile: EMULATOR_PROFILE,
        shared_config_files: [pick(provider).configFile],
        skip_metadata_api_check: true,
        s3_use_path_style: true,
      })),
    },
  };
}

/** The parts of a synthesized AWS provider configuration the override reads. */
export interface AwsProviderConfig {
  readonly alias?: string;
  readonly allowed_account_ids?: readonly string[];
}
