import { cases, decisionOf, synthesizeIntent } from '../support/intent';
import { INSTANCE_ENVIRONMENTS, instanceRows } from './tables/instance-role';

/**
 * What the managed instances' role may do, as a table of rows written from the promises
 * (tables/instance-role.ts), decided by the IAM evaluator on its policy and trust as synthesized.
 */
const rows = instanceRows(synthesizeIntent(INSTANCE_ENVIRONMENTS));

describe('the managed-instance role', () => {
  it.each(cases(rows))('%s', async (_title, row) => {
    await expect(decisionOf(row)).resolves.toBe(row.expected);
  });
});
