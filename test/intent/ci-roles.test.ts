import { cases, decisionOf, synthesizeIntent } from '../support/intent';
import { CI_ENVIRONMENTS, ciRows } from './tables/ci-roles';

/**
 * What the GitHub Actions plan and deploy roles, and any role under their permissions boundary, may
 * do, as a table of rows written from the promises (tables/ci-roles.ts), decided by the IAM
 * evaluator on the roles' policies and boundary as synthesized.
 */
const rows = ciRows(synthesizeIntent(CI_ENVIRONMENTS));

describe('the CI roles', () => {
  it.each(cases(rows))('%s', async (_title, row) => {
    await expect(decisionOf(row)).resolves.toBe(row.expected);
  });
});
