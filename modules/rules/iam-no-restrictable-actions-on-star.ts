import type { Rule, RuleFinding } from './rule';
import { ACTION_RESOURCE_TYPES } from './action-resource-types';
import { asList, rolePolicies } from './terraform-json';

/** The table's actions that an action pattern of a policy stands for (`s3:GetObject*` stands for several). */
export function expandAction(pattern: string, table: Readonly<Record<string, readonly string[]>>): string[] {
  const matcher = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return Object.keys(table).filter((action) => matcher.test(action));
}

/**
 * No identity policy of a role allows, on `"*"`, an action that supports resource-level
 * permissions: the question checkov asks as CKV_AWS_355. An action is restrictable when the
 * Service Authorization Reference lists a resource type for it ({@link ACTION_RESOURCE_TYPES}, a
 * reviewed table); an action on `"*"` that the table does not know is reported too, since the
 * rule cannot vouch for it. Stricter than checkov in two ways: a Condition does not excuse a
 * statement, and an action another statement denies still counts.
 *
 * Each finding's detail is `<statement Sid>/<action>`, so a suppression names exactly the
 * actions it accepts on `"*"`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const iamNoRestrictableActionsOnStar: Rule = (json) =>
  rolePolicies(json).flatMap(({ address, document }): RuleFinding[] => {
    if (!document) return [{ address, message: 'the policy is not literal JSON, so it cannot be checked' }];
    return document.Statement.filter((s) => s.Effect === 'Allow' && asList(s.Resource).includes('*')).flatMap((s) =>
      asList(s.Action).flatMap((pattern): RuleFinding[] => {
        const actions = expandAction(String(pattern), ACTION_RESOURCE_TYPES);
        if (actions.length === 0) {
          return [
            {
              address,
              message: `statement ${s.Sid} allows ${pattern} on "*", an action the table of resource types does not know`,
              detail: `${s.Sid}/${pattern}`,
            },
          ];
        }
        return actions
          .filter((action) => ACTION_RESOURCE_TYPES[action].length > 0)
          .map((action) => ({
            address,
            message: `statement ${s.Sid} allows ${action} on "*", though IAM can scope it to ${ACTION_RESOURCE_TYPES[action].join(', ')}`,
            detail: `${s.Sid}/${action}`,
          }));
      }),
    );
  });
