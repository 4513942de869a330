import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaggerConfig } from '../../../handlers/launch-tagger/config';

/** Recorded-shape CloudTrail events (EventBridge envelope) in test/fixtures/cloudtrail. */
export const FIXTURES = [
  'run-instances-federated',
  'run-instances-launcher-created-by',
  'run-instances-launcher-without-created-by',
  'run-instances-multi',
  'run-instances-failed',
  'run-instances-unrelated-caller',
  'run-instances-spoofed-owner',
  'malformed-missing-instance-id',
  'run-instances-identity-center',
  'run-instances-identity-center-launcher-created-by',
  'run-instances-identity-center-other-permission-set',
] as const;
export type FixtureName = (typeof FIXTURES)[number];

export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'cloudtrail');
export const FEDERATED_ROLE_NAME = 'SsmFederatedShell';
export const FEDERATED_ROLE_ID = 'AROA2EXAMPLEFEDROLE01';
export const LAUNCHER_ROLE_NAME = 'ServiceWorkbenchLauncher';

export const config: TaggerConfig = {
  federatedRoleName: FEDERATED_ROLE_NAME,
  federatedRoleUniqueId: FEDERATED_ROLE_ID,
  launcherRoleNames: new Set([LAUNCHER_ROLE_NAME]),
  ec2MaxAttempts: 3,
  ec2RetryMode: 'adaptive',
};

/** The function's environment as the module sets it, for the bundled handler. */
export const taggerEnvironment = {
  FEDERATED_ROLE_NAME,
  FEDERATED_ROLE_UNIQUE_ID: FEDERATED_ROLE_ID,
  LAUNCHER_ROLE_NAMES: LAUNCHER_ROLE_NAME,
};

// A fixture is parsed afresh each time, so a test can change its copy.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: FixtureName): any {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8'));
}

/** Instance ids `i-0000000000000001`, ... (valid EC2 ids). */
export function instanceIds(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `i-${(offset + i + 1).toString(16).padStart(17, '0')}`);
}

/** The federated caller's launch, with `count` instances (factory for large launches). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function federatedLaunch(count: number, id = 'burst-0', offset = 0): any {
  const event = fixture('run-instances-federated');
  const [template] = event.detail.responseElements.instancesSet.items;
  event.id = id;
  event.detail.responseElements.instancesSet.items = instanceIds(count, offset).map((instanceId, index) => ({
    ...template,
    instanceId,
    amiLaunchIndex: index,
  }));
  return event;
}

/** Identity Center (the `ic-example` test environment's account and permission set). */
export const PERMISSION_SET_NAME = 'SsmShellAccess';
export const PERMISSION_SET_ROLE_NAME = 'AWSReservedSSO_SsmShellAccess_0123456789abcdef';
export const PERMISSION_SET_ROLE_ID = 'AROA3EXAMPLEPSROLE001';
export const PERMISSION_SET_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/eu-west-1/';

export const identityCenterConfig: TaggerConfig = {
  permissionSetName: PERMISSION_SET_NAME,
  launcherRoleNames: new Set([LAUNCHER_ROLE_NAME]),
  ec2MaxAttempts: 3,
  ec2RetryMode: 'adaptive',
};

/** The function's environment for an Identity Center environment, as the module sets it. */
export const identityCenterTaggerEnvironment = {
  PERMISSION_SET_NAME,
  LAUNCHER_ROLE_NAMES: LAUNCHER_ROLE_NAME,
};
