import { cases, decisionOf, synthesizeIntent } from '../support/intent';
import { SAML_OWNER } from '../support/intent-environments';
import { OWNERSHIP_ENVIRONMENTS, lookalikeTaggerRow, ownershipRows } from './tables/ownership-tag';

/**
 * Who may write the ownership tag `AwsUserId` and the tags the rules read, as a table of rows
 * written from the promises (tables/ownership-tag.ts), decided by the IAM evaluator on the people's
 * policy, the organization SCP and the launch tagger's policy as synthesized.
 */
const environments = synthesizeIntent(OWNERSHIP_ENVIRONMENTS);
const rows = ownershipRows(environments);

describe('the ownership tag', () => {
  it.each(cases(rows))('%s', async (_title, row) => {
    await expect(decisionOf(row)).resolves.toBe(row.expected);
  });

  // A role named like the tagger's (the deploy role may create `<environment>-*` roles) is not the
  // tagger: the SCP names the tagger's roles exactly, so it may not write AwsUserId.
  const lookalike = lookalikeTaggerRow(environments.get(SAML_OWNER.input.name)!);
  it(cases([lookalike])[0]![0], async () => {
    await expect(decisionOf(lookalike)).resolves.toBe(lookalike.expected);
  });
});
