import { cases, decisionOf, synthesizeIntent } from '../support/intent';
import { BREAK_GLASS_ENVIRONMENTS, breakGlassRows } from './tables/break-glass';

/**
 * What the people of a just-in-time environment and its break-glass role may do, as a table of rows
 * written from the promises (tables/break-glass.ts), decided by the IAM evaluator on the people's
 * and the break-glass role's policies as synthesized.
 */
const rows = breakGlassRows(synthesizeIntent(BREAK_GLASS_ENVIRONMENTS));

describe('just-in-time access and break-glass', () => {
  it.each(cases(rows))('%s', async (_title, row) => {
    await expect(decisionOf(row)).resolves.toBe(row.expected);
  });
});
