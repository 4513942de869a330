import type { TerraformResource } from 'cdktf';

/** The arguments of one resource as it will be written to `cdk.tf.json` (overrides included, tokens unresolved). */
export function terraformAttributes(resource: TerraformResource): Record<string, unknown> {
  const tf = resource.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  return Object.values(tf.resource?.[resource.terraformResourceType] ?? {})[0] ?? {};
}

/** Whether a value is a string known at synth time (no reference or token in it). */
export const isLiteral = (value: unknown): value is string => typeof value === 'string' && !value.includes('${');
