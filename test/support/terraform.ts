// The Terraform runner is the review command's (cli/terraform.ts); the tests use the same one.
export {
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
