import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformProvider, TerraformStack, Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { ConfigProblem } from './config-error';
import { type AwsRegion, rules } from './rules';

/**
 * The region a regional construct serves, and the problems with it. A regional resource is
 * created wherever its provider points, so the `region` prop (which names ARNs, log groups and
 * endpoint services) must be the provider's region: taken from the provider when left out, and
 * checked against it when given. Without `provider`, the stack's default AWS provider (the one
 * with no alias) is the one Terraform uses.
 */
export function resolveRegion(
  scope: Construct,
  region: string | undefined,
  provider: AwsProvider | undefined,
): { region: AwsRegion; problems: ConfigProblem[] } {
  const where = scope.node.path;
  const used = provider ?? defaultAwsProvider(scope);
  const configured = used?.region;
  const providerRegion = configured !== undefined && !Token.isUnresolved(configured) ? configured : undefined;
  const which = provider ? 'its provider' : "the stack's default AWS provider";
  const problems: ConfigProblem[] = [];
  if (region !== undefined && !rules.region.test(region)) {
    problems.push({ file: where, path: 'region', value: region, message: rules.region.message });
  } else if (region !== undefined && providerRegion !== undefined && region !== providerRegion) {
    problems.push({
      file: where,
      path: 'region',
      value: region,
      message: `must be the region of ${which} (${providerRegion}): its resources are created there, but their names and ARNs would say ${region}. Pass the provider of ${region}, or leave region out to use the provider's`,
    });
  } else if (region === undefined && providerRegion === undefined) {
    problems.push({
      file: where,
      path: 'region',
      value: undefined,
      message: `is required: the region of ${which} is not known at synth time${used ? '' : ' (the stack has none)'}. Set region, or give the provider a literal region`,
    });
  }
  return { region: (region ?? providerRegion ?? '') as AwsRegion, problems };
}

/** The stack's AWS provider without an alias: the one resources without `provider` use. */
export function defaultAwsProvider(scope: Construct): AwsProvider | undefined {
  const stack = TerraformStack.of(scope);
  return stack.node
    .findAll()
    .find(
      (c): c is AwsProvider =>
        TerraformProvider.isTerraformProvider(c) &&
        (c as TerraformProvider).terraformResourceType === 'aws' &&
        (c as TerraformProvider).alias === undefined,
    );
}
