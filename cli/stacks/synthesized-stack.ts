import { type PolicyDocument, unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { ResourceNotFoundError } from '../errors';

/** A synthesized stack: the parsed `cdk.tf.json` and where it was written. */
export interface SynthesizedStack {
  readonly name: string;
  readonly dir: string;
  // Terraform JSON is untyped by nature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

/** All resources of one Terraform type in a stack, by logical id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resourcesOfType(stack: SynthesizedStack, type: string): Record<string, any> {
  return stack.json.resource?.[type] ?? {};
}

/** The logical id of the single resource of a type whose construct path ends with `pathSuffix`. */
export function logicalIdAt(stack: SynthesizedStack, type: string, pathSuffix: string): string {
  const ids = Object.entries(resourcesOfType(stack, type))
    .filter(([, r]) => String(r['//']?.metadata?.path ?? '').endsWith(pathSuffix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new ResourceNotFoundError(`expected one ${type} at */${pathSuffix}, found ${ids.length}`);
  return ids[0];
}

/** The single resource of a type whose construct path ends with `pathSuffix`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resourceAt(stack: SynthesizedStack, type: string, pathSuffix: string): any {
  return resourcesOfType(stack, type)[logicalIdAt(stack, type, pathSuffix)];
}

/** Reads a policy argument back from synthesized JSON, undoing exactly the Terraform template escaping. */
export function readPolicy(rendered: string): PolicyDocument {
  return JSON.parse(unescapeTerraformTemplate(rendered)) as PolicyDocument;
}
