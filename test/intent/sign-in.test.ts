import { cases, decisionOf, synthesizeIntent } from '../support/intent';
import { SIGN_IN_ENVIRONMENTS, signInRows } from './tables/sign-in';

/**
 * Who may sign in to the federated role and the break-glass role, and with which OS user, as a
 * table of rows written from the promises (tables/sign-in.ts), decided by the IAM evaluator on the
 * roles' trust policies as synthesized.
 */
const rows = signInRows(synthesizeIntent(SIGN_IN_ENVIRONMENTS));

describe('signing in', () => {
  it.each(cases(rows))('%s', async (_title, row) => {
    await expect(decisionOf(row)).resolves.toBe(row.expected);
  });
});
