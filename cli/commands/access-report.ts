import { POLICY_QUOTAS, quotaSize } from '../../modules/core/policy-lint';
import { markdownTable, runMatrix, stackMatrix } from '../access/access-matrix';
import { EVALUATOR_HINT, evaluatorAvailable } from '../access/evaluator';
import { NoAccessModelError } from '../access/read-stack';
import { EXIT, EvaluatorMissingError, NoAccessMatrixError } from '../errors';
import { loadApp, selectStacks } from '../stacks/load-stacks';
import { defineCommand } from './command';

export const ACCESS_REPORT_HELP = `Usage: ssm-federated-access access-report [options] [STACK ...]

Prints each stack's access matrix as a Markdown table: principal, action, resource, case, the IAM
evaluator's decision on the policies as synthesized, the deciding statement, and whether that is
what the stack's settings say. The cases come from the constructs of ssm-federated-access in the
stacks. It needs the optional IAM evaluator (AGPL-3.0):
  npm install --save-dev @cloud-copilot/iam-simulate @cloud-copilot/iam-policy

Options:
  --out DIR            read the synthesized app in DIR (a cdktf.out folder with manifest.json)
                       instead of synthesizing the app of ./cdktf.json
  --markdown FILE      write the report to FILE (default: standard output)
  -h, --help           show this help

Stacks without those constructs (other stacks of the same app) are skipped, with a note in the
report; a stack named on the command line must have them.

Exit codes: 0 every case decided as expected; 1 some were not; 2 nothing written: a usage error,
no app, an unknown stack, a named stack without the access constructs, no stack with them, or no
evaluator.
`;

export const accessReport = defineCommand({
  name: 'access-report',
  summary: "each stack's access matrix, evaluated on the policies as synthesized (Markdown)",
  help: ACCESS_REPORT_HELP,
  options: { out: { type: 'string' }, markdown: { type: 'string' } },
  positionals: true,
  async run({ values, positionals }, io) {
    if (!(await evaluatorAvailable()))
      throw new EvaluatorMissingError(`the access report needs the IAM evaluator: ${EVALUATOR_HINT}`);
    const app = loadApp({ cwd: io.cwd, ...(values.out !== undefined ? { out: values.out } : {}) });
    const lines: string[] = [];
    let failed = 0;
    let reported = 0;
    for (const stack of selectStacks(app, positionals)) {
      let matrix;
      try {
        matrix = stackMatrix(stack);
      } catch (error) {
        if (!(error instanceof NoAccessModelError)) throw error;
        // A stack the user named must have a matrix; the app's other stacks need not (as in plan-report).
        if (positionals.length > 0) throw new NoAccessMatrixError(`no access matrix for ${error.message}`);
        lines.push(
          `## Access matrix: ${stack.name}`,
          '',
          `Skipped: no access matrix for this stack: ${error.reason}.`,
          '',
        );
        continue;
      }
      reported++;
      const { access, cases } = matrix;
      const { sessionPolicy: rule, identity } = access.model;
      const identityKind = identity.part === 'permission-set' ? 'identity-center' : 'saml';
      const results = await runMatrix(cases);
      const stackFailed = results.filter((r) => !r.pass).length;
      failed += stackFailed;
      const quota =
        identityKind === 'identity-center' ? POLICY_QUOTAS.permissionSetInlinePolicy : POLICY_QUOTAS.roleInlinePolicies;
      const rules = [
        rule.ownerRule ? 'owner (AwsUserId)' : undefined,
        rule.attributeRule
          ? `attributes (${rule.attributeRule.groups} group(s) of ${rule.attributeRule.tags
              .map((t) => `${t.principalTag}=${t.instanceTag}`)
              .join(', ')})`
          : undefined,
        rule.principalTagOwnerRule
          ? `principal-tag owner (${rule.principalTagOwnerRule.instanceTag} = ${rule.principalTagOwnerRule.principalTag})`
          : undefined,
      ].filter(Boolean);
      lines.push(
        `## Access matrix: ${stack.name}`,
        '',
        `Account ${rule.accountId}, regions ${rule.regions.join(', ')}, identity ${identityKind}.`,
        `Rules: ${rules.join('; ')}. SSH ${rule.sshEnabled ? 'on' : 'off'}, port forwarding ${rule.portForwardingEnabled ? 'on' : 'off'}.`,
        `Session access policy: ${quotaSize(access.sessionPolicy).toLocaleString('en-US')} of ${quota.maxChars.toLocaleString('en-US')} characters (${quota.name}).`,
        '',
        markdownTable(results),
        '',
        stackFailed === 0
          ? `All ${results.length} cases decided as expected.`
          : `**${stackFailed} of ${results.length} cases were not decided as expected.**`,
        '',
      );
    }
    if (reported === 0) {
      throw new NoAccessMatrixError(
        `no access matrix: no stack in ${app.outdir} has the access constructs of ssm-federated-access (a SamlFederation or IdentityCenterPermissionSet with a SessionAccessPolicy)`,
      );
    }
    const text = lines.join('\n');
    return {
      code: failed === 0 ? EXIT.ok : EXIT.unexpectedAccess,
      stdout: values.markdown === undefined ? text : '',
      files: values.markdown !== undefined ? [{ path: values.markdown, content: text }] : [],
    };
  },
});
