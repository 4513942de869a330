// `npm run access-report -- <environment>`: the environment's access matrix as a Markdown table,
// for pull-request review. The cases are the ones the test suite checks (test/support/access-matrix.ts),
// evaluated by the same IAM evaluator on the policies as synthesized into cdk.tf.json.
import { environmentSources } from '../../environments';
import { POLICY_QUOTAS, quotaSize } from '../../modules/core/policy-lint';
import { accessMatrix, markdownTable, readAccess, runMatrix } from '../../cli/access/access-matrix';
import { synthesize } from '../support/synth';

async function main(args: readonly string[]): Promise<number> {
  const names = environmentSources.map((s) => String(s.input.name));
  const [name] = args;
  if (!name || !names.includes(name)) {
    process.stderr.write(
      `usage: npm run access-report -- <environment>\n${name ? `unknown environment "${name}". ` : ''}Environments: ${names.join(', ')}\n`,
    );
    return 2;
  }
  const { configs, stacks } = synthesize(environmentSources.filter((s) => s.input.name === name));
  const config = configs[0];
  const access = readAccess(config, stacks.get(name)!);
  const results = await runMatrix(accessMatrix(config, access));
  const failed = results.filter((r) => !r.pass).length;
  const quota =
    config.identity.type === 'identity-center'
      ? POLICY_QUOTAS.permissionSetInlinePolicy
      : POLICY_QUOTAS.roleInlinePolicies;
  const rules = [
    config.access.ownerRule ? 'owner (AwsUserId)' : undefined,
    config.access.attributeRule
      ? `attributes (${config.access.attributeRule.groups} group(s) of ${config.access.attributeRule.tags
          .map((t) => `${t.principalTag}=${t.instanceTag}`)
          .join(', ')})`
      : undefined,
    config.access.principalTagOwnerRule
      ? `principal-tag owner (${config.access.principalTagOwnerRule.instanceTag} = ${config.access.principalTagOwnerRule.principalTag})`
      : undefined,
  ].filter(Boolean);
  const lines = [
    `## Access matrix: ${name}`,
    '',
    `Account ${config.accountId}, regions ${config.regions.join(', ')}, identity ${config.identity.type}.`,
    `Rules: ${rules.join('; ')}. SSH ${config.access.sshEnabled ? 'on' : 'off'}, port forwarding ${config.access.portForwardingEnabled ? 'on' : 'off'}.`,
    `Session access policy: ${quotaSize(access.sessionPolicy).toLocaleString('en-US')} of ${quota.maxChars.toLocaleString('en-US')} characters (${quota.name}).`,
    '',
    markdownTable(results),
    '',
    failed === 0
      ? `All ${results.length} cases decided as expected.`
      : `**${failed} of ${results.length} cases were not decided as expected.**`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
