import {
  DefaultTokenResolver,
  StringConcat,
  type TerraformElement,
  TerraformElement as Element,
  TerraformOutput,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import type { IConstruct } from 'constructs';
import { resolvePlain } from './resolve-plain';

/**
 * A stack's Terraform document as cdktf 0.21's `TerraformStack.toTerraform()` builds it (the last
 * release: HashiCorp archived cdktf), less its last step. cdktf resolves each element's
 * `toTerraform()`, merges the fragments, then resolves the merged document once more: a walk over
 * every value of the stack that finds no token, because every fragment is resolved already (a
 * resolved value holds no token marker and no `undefined`, and resolving it again returns it
 * unchanged). Here only the document's `//` block (metadata and output ids, built from unresolved
 * values) is resolved after the merge. For a stack with no stack-level overrides
 * (`addOverride`), which cdktf merges in unresolved: the caller checks. The elements are resolved
 * as cdktf resolves them, cdktf resolving their tokens ({@link resolvePlain}).
 */
export function stackDocument(stack: TerraformStack): Record<string, unknown> {
  const resolve = (value: unknown): unknown =>
    Tokenization.resolve(value, { scope: stack, preparing: false, resolver: RESOLVER });
  const elements = elementsOf(stack);
  const metadata = {
    version: stack.node.tryGetContext('cdktfVersion') as string,
    stackName: stack.node.id,
    backend: 'local', // a backend's metadata replaces it
    cloud: undefined, // likewise
  };
  for (const meta of elements.map((element) => resolve(element.toMetadata()))) deepMerge(metadata, meta);
  const outputs = {};
  for (const element of elements) {
    if (!TerraformOutput.isTerraformOutput(element)) continue;
    const path = element.node.path
      .split('/')
      .reduceRight<Record<string, unknown>>(
        (inner, part) => ({ [part]: Object.keys(inner).length === 0 ? element.friendlyUniqueId : inner }),
        {},
      );
    deepMerge(outputs, path);
  }
  const document: Record<string, unknown> = { '//': resolve({ metadata, outputs }) };
  for (const fragment of elements.map((element) => resolvePlain(element.toTerraform(), resolve))) {
    deepMerge(document, fragment);
  }
  return document;
}

/** The resolver cdktf resolves a stack's elements with. */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The stack's elements in cdktf's order (depth first, a construct before its children), not those of a stack inside it. */
function elementsOf(scope: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (Element.isTerraformElement(scope)) into.push(scope);
  for (const child of scope.node.children) {
    if (!TerraformStack.isStack(child)) elementsOf(child, into);
  }
  return into;
}

/**
 * cdktf's merge of fragments (`deepMerge` of cdktf/lib/util.js, which cdktf does not export):
 * objects merged key by key, arrays concatenated, `undefined` deletes, anything else replaces.
 */
function deepMerge(target: Record<string, unknown>, source: unknown): void {
  if (typeof source !== 'object' || source === null || Tokenization.isResolvable(target)) {
    throw new Error(`cannot merge ${JSON.stringify(source)} into a stack document`);
  }
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (typeof target[key] !== 'object') target[key] = {};
      if (Tokenization.isResolvable(value)) target[key] = value;
      else deepMerge(target[key] as Record<string, unknown>, value);
    } else if (Array.isArray(value)) {
      const existing = target[key];
      target[key] = Array.isArray(existing) ? [...(existing as unknown[]), ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
}
