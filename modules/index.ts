/**
 * CDK for Terraform constructs that give federated users audited shell access to EC2 instances
 * through AWS Systems Manager Session Manager.
 *
 * This file is the package's public API and only re-exports. Everything else in `modules/` (the
 * validation rule tables, the policy lint, the statement builders, the defaults tables) is
 * internal and may change in any release.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html
 * @packageDocumentation
 */

// One whole environment, composed and wired.
export { SsmFederatedAccess, type SsmFederatedAccessProps } from './ssm-federated-access/ssm-federated-access';
export { type RegionResources } from './ssm-federated-access/region-resources';
export { type JustInTimeAccess } from './ssm-federated-access/just-in-time';
export { type EnvironmentInput, type EnvironmentSettings } from './environment/environment-schema';
export {
  type EnvironmentConfig,
  type EnvironmentSource,
  type LoadOptions,
  loadEnvironment,
  loadEnvironments,
} from './environment/load-environment';

// Who may sign in: a SAML federation or an IAM Identity Center permission set.
export {
  SamlFederation,
  type SamlFederationProps,
  type IdpConfiguration,
  type SourceIdentityMode,
  RUN_AS_TAG,
} from './saml-federation/saml-federation';
export {
  type RunAsGuard,
  DEFAULT_DENIED_RUN_AS_USERS,
  runAsTrustConditions,
  runAsSessionDeny,
} from './core/run-as-guard';
export {
  IdentityCenterPermissionSet,
  type IdentityCenterPermissionSetProps,
  type PermissionSetAssignment,
} from './identity-center/identity-center-permission-set';

// The CI roles' extension points (SsmFederatedAccessProps.ciPermissions).
export { type GitHubActionsRolesProps, type StateAccess } from './github-oidc/github-actions-roles';

// Which instances they may open a session on.
export {
  SessionAccessPolicy,
  type SessionAccessPolicyProps,
  OWNERSHIP_TAG,
} from './session-access-policy/session-access-policy';
export { type AccessRules, type AttributeRule, type TagPair } from './core/access-rules';
export { LaunchTagger, type LaunchTaggerProps } from './launch-tagger/launch-tagger';

// Just-in-time node access: approval policies instead of standing sessions, and a break-glass role.
export {
  JustInTimeApprovalPolicies,
  type JustInTimeApprovalPoliciesProps,
  type CloudFormationTemplate,
  type CloudFormationResource,
  type DocumentDeployGrantee,
} from './just-in-time/just-in-time-approval-policies';
export { type ManualApproval, type Approver } from './just-in-time/approval-documents';
export { type AutoApprovalRules, type TagMatch, type TagValue } from './just-in-time/cedar';
export {
  BreakGlassRole,
  type BreakGlassRoleProps,
  BreakGlassAlarm,
  type BreakGlassAlarmProps,
  type BreakGlassAlarmConstructProps,
} from './just-in-time/break-glass-role';

// What a session records, and how instances reach Session Manager.
export {
  SessionAuditLogs,
  type SessionAuditLogsProps,
  type ObjectLockMode,
} from './session-audit-logs/session-audit-logs';
export {
  SessionPreferences,
  type SessionPreferencesProps,
  type SessionPreferencesContent,
  type SessionPreferencesInputs,
} from './session-preferences/session-preferences';
export { ManagedInstanceRole, type ManagedInstanceRoleProps } from './managed-instance-role/managed-instance-role';
export {
  VpcEndpoints,
  type VpcEndpointsProps,
  type SessionManagerInterfaceService,
  SESSION_MANAGER_INTERFACE_SERVICES,
} from './vpc-endpoints/vpc-endpoints';
export { type SessionLogDestination } from './core/session-log-destination';
export { type AwsRegion, AWS_REGIONS } from './core/rules';

// Connecting.
export { sshConfigSnippet, consoleSessionUrl, INSTANCE_ID_PLACEHOLDER } from './session-preferences/connect';

// Errors, validation and policies as data.
export { ConfigError, type ConfigProblem, formatProblem } from './core/config-error';
export { synthesizeApp, type SynthesizeAppOptions, validationProblems } from './core/validation';
export {
  type PolicyDocument,
  type PolicyStatement,
  type PolicyPrincipal,
  type PolicyConditions,
  renderPolicy,
  escapeTerraformTemplate,
} from './core/policy-document';

// Checking a synthesized stack against the security baseline, with suppressions that give a reason.
export {
  checkStack,
  checkSynthesizedStack,
  formatFinding,
  type CheckStackOptions,
  type RuleSuppression,
  type StackCheck,
  MIN_REASON_LENGTH,
} from './rules/check-stack';
export { SECURITY_BASELINE } from './rules/security-baseline';
export {
  type Finding,
  type PackRule,
  type Rule,
  type RuleFinding,
  type RuleLevel,
  type RulePack,
  type TerraformJson,
} from './rules/rule';
