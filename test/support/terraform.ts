// The Terraform runner is the review command's (cli/terraform.ts); the tests use the same one.
export { offlineOverride, planOffline, showPlanJson, terraformVersion, validateOffline } from '../../cli/terraform';
