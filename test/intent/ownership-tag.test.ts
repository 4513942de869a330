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

  // Known gap: the SCP exempts `aws:PrincipalArn` like `<environment>-launch-tagger-*`, a name
  // pattern, not the tagger's roles (`<environment>-launch-tagger-<region>`), so any role given such
  // a name (the deploy role may create `<environment>-*` roles) writes AwsUserId. This fails, and so
  // tells, once the SCP names the tagger's roles exactly.
  const lookalike = lookalikeTaggerRow(environments.get(SAML_OWNER.input.name)!);
  it.failing(cases([lookalike])[0]![0], async () => {
    await expect(decisionOf(lookalike)).resolves.toBe(lookalike.expected);
  });
});
