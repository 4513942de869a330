import { readConfig } from '../../../handlers/launch-tagger/config';
import { ConfigurationError } from '../../../handlers/launch-tagger/errors';

const env = { FEDERATED_ROLE_NAME: 'SsmFederatedShell', FEDERATED_ROLE_UNIQUE_ID: 'AROA2EXAMPLEFEDROLE01' };

describe('readConfig', () => {
  it('reads the environment the module sets, with defaults', () => {
    expect(readConfig({ ...env, LAUNCHER_ROLE_NAMES: 'ServiceWorkbenchLauncher, OtherLauncher' })).toEqual({
      federatedRoleName: 'SsmFederatedShell',
      federatedRoleUniqueId: 'AROA2EXAMPLEFEDROLE01',
      launcherRoleNames: new Set(['ServiceWorkbenchLauncher', 'OtherLauncher']),
      ec2MaxAttempts: 8,
      ec2RetryMode: 'adaptive',
    });
  });

  it('has no launchers (caller mode only) when none are listed', () => {
    expect(readConfig({ ...env, LAUNCHER_ROLE_NAMES: '' }).launcherRoleNames.size).toBe(0);
    expect(readConfig(env).launcherRoleNames.size).toBe(0);
  });

  it('takes the SDK attempts from EC2_MAX_ATTEMPTS', () => {
    expect(readConfig({ ...env, EC2_MAX_ATTEMPTS: '3' }).ec2MaxAttempts).toBe(3);
    expect(() => readConfig({ ...env, EC2_MAX_ATTEMPTS: '0' })).toThrow(ConfigurationError);
  });

  it('retries adaptively unless AWS_RETRY_MODE says standard', () => {
    expect(readConfig({ ...env, AWS_RETRY_MODE: 'standard' }).ec2RetryMode).toBe('standard');
    expect(() => readConfig({ ...env, AWS_RETRY_MODE: 'legacy' })).toThrow(ConfigurationError);
  });

  it('fails at cold start, naming every problem, when the deployment is wrong', () => {
    expect(() => readConfig({ FEDERATED_ROLE_UNIQUE_ID: 'not-an-id', LAUNCHER_ROLE_NAMES: 'bad name' })).toThrow(
      /FEDERATED_ROLE_NAME: .*; FEDERATED_ROLE_UNIQUE_ID: must be an IAM role unique id \(AROA\.\.\.\); LAUNCHER_ROLE_NAMES\.0: must be an IAM role name/,
    );
  });

  it('reads an Identity Center deployment: the permission set name, no role id', () => {
    expect(readConfig({ PERMISSION_SET_NAME: 'SsmShellAccess' })).toEqual({
      permissionSetName: 'SsmShellAccess',
      launcherRoleNames: new Set(),
      ec2MaxAttempts: 8,
      ec2RetryMode: 'adaptive',
    });
  });

  it('refuses both identity sources at once, and neither', () => {
    expect(() => readConfig({ ...env, PERMISSION_SET_NAME: 'SsmShellAccess' })).toThrow(
      /PERMISSION_SET_NAME: must not be set together with FEDERATED_ROLE_NAME/,
    );
    expect(() => readConfig({})).toThrow(/FEDERATED_ROLE_NAME: is required \(or PERMISSION_SET_NAME/);
    expect(() => readConfig({ PERMISSION_SET_NAME: 'has space' })).toThrow(
      /must be an Identity Center permission set name/,
    );
  });
});
