import { App, TerraformStack, Token } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import type { EnvironmentConfig } from '../modules/environment/load-environment';
import { SsmFederatedAccess } from '../modules/ssm-federated-access/ssm-federated-access';
import { configureBackend } from './backend';
import { stackDocument } from './stack-document';

/** Options of {@link SsmFederatedAccessStack}. */
export interface SsmFederatedAccessStackOptions {
  /**
   * Whether the stack is synthesized as its constructor built it, with nothing added or changed
   * afterwards, in an app whose every stack is an environment's. Such a stack holds no reference
   * to another stack: `prepareStack()` skips cdktf's search for one and `toTerraform()` skips
   * cdktf's work that only tokens need (see there). Only with the cdktf release these passes were
   * checked against ({@link CHECKED_CDKTF_VERSION}); with another (CDK Terrain), the library's own.
   *
   * @default false: cdktf's `prepareStack()` and `toTerraform()`
   */
  readonly synthesizedAsBuilt?: boolean;
}

/**
 * The cdktf release whose `prepareStack()`, `toTerraform()` and token resolution the stack's
 * shortcuts reproduce, byte for byte: 0.21.0, the last (HashiCorp archived cdktf). The App
 * records its library's version in the `cdktfVersion` context (CDK Terrain records its own).
 */
export const CHECKED_CDKTF_VERSION = '0.21.0';

/**
 * The stack of one environment: its state backend and an {@link SsmFederatedAccess} with
 * everything the environment deploys. The construct's id is `Default`, which cdktf leaves out of
 * resource addresses, so they read as if the resources were the stack's own.
 */
export class SsmFederatedAccessStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  /** Everything the environment deploys. */
  readonly access: SsmFederatedAccess;
  /** Whether the stack skips cdktf's passes that only references to other stacks and tokens need. */
  readonly synthesizedAsBuilt: boolean;
  /** Whether `addOverride` was called on the stack itself. */
  private overridden = false;

  constructor(scope: Construct, config: EnvironmentConfig, options: SsmFederatedAccessStackOptions = {}) {
    super(scope, config.name);
    this.config = config;
    this.synthesizedAsBuilt =
      (options.synthesizedAsBuilt ?? false) &&
      this.node.tryGetContext('cdktfVersion') === CHECKED_CDKTF_VERSION &&
      !holdsTokens(config);
    configureBackend(this, config);
    this.access = new SsmFederatedAccess(this, 'Default', { environment: config });
  }

  /**
   * cdktf's `prepareStack()` resolves every element of the stack once more before the synth
   * renders them, only to find references to another stack's resources (a reference resolved while
   * preparing adds an output to that stack and a remote state to this one); nothing else in cdktf
   * reads that pass, and the stack's own Lazy values are pure. A reference to another stack needs
   * one of its constructs, or a token of one, in this stack. Here there is none: the constructor
   * built every construct of the stack from the environment's config, which holds no token (checked
   * above), the modules share no construct between stacks, and nothing is added afterwards (the
   * option's promise). So when every stack of the app is such a stack, the pass only costs time: a
   * third of cdktf's token resolution. Otherwise, cdktf's pass.
   */
  override prepareStack(): void {
    if (!this.synthesizedAsBuilt || !everyStackSynthesizedAsBuilt(this)) {
      super.prepareStack();
      return;
    }
    this.ensureBackendExists();
  }

  /**
   * cdktf's document, built without cdktf's final pass over the merged document and with the
   * elements' plain data resolved without cdktf's contexts, when the stack is synthesized as built
   * and has no stack-level override (see {@link stackDocument}). The same document.
   */
  override toTerraform(): Record<string, unknown> {
    return this.synthesizedAsBuilt && !this.overridden ? stackDocument(this) : super.toTerraform();
  }

  override addOverride(path: string, value: unknown): void {
    this.overridden = true;
    super.addOverride(path, value);
  }
}

/**
 * Whether every stack of the app is an environment's stack synthesized as built: those outside any
 * stack, and those inside `stack` (each such stack looks inside itself in turn).
 */
function everyStackSynthesizedAsBuilt(stack: SsmFederatedAccessStack): boolean {
  const asBuilt = (construct: IConstruct) =>
    construct instanceof SsmFederatedAccessStack && construct.synthesizedAsBuilt;
  const outsideStacks = (construct: IConstruct): boolean =>
    TerraformStack.isStack(construct) ? asBuilt(construct) : construct.node.children.every(outsideStacks);
  const inside = stack.node.findAll().filter((construct) => construct !== stack && TerraformStack.isStack(construct));
  return outsideStacks(App.of(stack)) && inside.every(asBuilt);
}

/** Whether a token is anywhere in `value` (plain data: strings, numbers, arrays and objects). */
function holdsTokens(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return value.some(holdsTokens);
  if (value !== null && typeof value === 'object') {
    return Token.isUnresolved(value) || Object.values(value).some(holdsTokens);
  }
  return false;
}
