import type { IConstruct } from 'constructs';
import { validationProblems } from '../../modules/core/validation';

/** What a construct reported through `node.addValidation`, as the synth would list it. */
export class InvalidConstruct extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'InvalidConstruct';
  }
}

/**
 * Creates a construct and runs its validations (its children's included), as `synthesizeApp`
 * does before anything is written; throws {@link InvalidConstruct} listing every problem reported.
 */
export function validated<T extends IConstruct>(make: () => T): T {
  const construct = make();
  const problems = validationProblems(construct);
  if (problems.length > 0) throw new InvalidConstruct(problems);
  return construct;
}
