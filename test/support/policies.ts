// The evaluator helpers are the review command's (cli/access); the tests use the same ones.
export {
  accountOf,
  policyAt,
  readResolvedPolicy,
  regionOf,
  resolveReferences,
  synthesizedPolicies,
} from '../../cli/access/policies';
export { type Decision, type Evaluation, evaluate } from '../../cli/access/evaluator';
