import { cases, decisionOf, synthesizeIntent } from '../support/intent';
import { SESSION_ENVIRONMENTS, sessionRows } from './tables/sessions';

/**
 * Who may open, end and resume which sessions, and what else people may do, as a table of rows
 * written from the promises (tables/sessions.ts), each decided by the IAM evaluator on the policies
 * of small environments as synthesized.
 */
const rows = sessionRows(synthesizeIntent(SESSION_ENVIRONMENTS));

describe('people’s sessions', () => {
  it.each(cases(rows))('%s', async (_title, row) => {
    await expect(decisionOf(row)).resolves.toBe(row.expected);
  });
});
