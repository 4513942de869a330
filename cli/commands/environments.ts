import { parseArgs } from 'node:util';
import { describedResources } from '../access/read-stack';
import { EXIT } from '../errors';
import { loadApp, selectStacks } from '../stacks/load-stacks';
import type { Command } from './command';

export const ENVIRONMENTS_HELP = `Usage: ssm-federated-access environments [options] [STACK ...]

Prints, as one line of JSON for a GitHub Actions matrix, the stacks that have the GitHub Actions
roles (GitHubActionsRoles): name, account, primary region, and the plan and deploy role ARNs.

Options:
  --out DIR            read the synthesized app in DIR (a cdktf.out folder with manifest.json)
                       instead of synthesizing the app of ./cdktf.json
  -h, --help           show this help
`;

export const environments: Command = {
  name: 'environments',
  summary: 'the stacks with GitHub Actions roles, as JSON for a workflow matrix',
  help: ENVIRONMENTS_HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: 'string' } },
    });
    const app = loadApp({ cwd: io.cwd, ...(values.out !== undefined ? { out: values.out } : {}) });
    const rows = selectStacks(app, positionals).flatMap((stack) => {
      const described = describedResources(stack);
      const ci = described.find((d) => d.description.part === 'ci-plan-role')?.description;
      const policy = described.find((d) => d.description.part === 'session-policy')?.description;
      if (ci?.part !== 'ci-plan-role') return [];
      const region = policy?.part === 'session-policy' ? policy.regions[0] : undefined;
      return [
        {
          name: stack.name,
          accountId: ci.accountId,
          region: region ?? defaultRegion(stack.json),
          planRoleArn: `arn:aws:iam::${ci.accountId}:role/${ci.planRoleName}`,
          deployRoleArn: `arn:aws:iam::${ci.accountId}:role/${ci.deployRoleName}`,
        },
      ];
    });
    return { code: EXIT.ok, stdout: `${JSON.stringify(rows)}\n`, files: [] };
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function defaultRegion(json: any): string | undefined {
  return ((json.provider?.aws ?? []) as { alias?: string; region?: string }[]).find((p) => !p.alias)?.region;
}
