import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { Decision, Evaluation } from './evaluator';

/** One case of the access matrix, as the evaluator runs it and the reports show it. */

/** The matrix areas of the CI roles. */
export type CiArea = 'ci plan role' | 'ci deploy role' | 'permissions boundary';

export type AccessArea =
  | 'console'
  | 'start session'
  | 'documents'
  | 'own sessions'
  | 'kms'
  | 'ownership tag'
  | 'scp'
  | 'instance role'
  | 'sign-in'
  | 'launch tagger'
  | 'request access'
  | 'break glass'
  | CiArea;

export interface AccessCase {
  /** What the case shows, e.g. "own instance". */
  readonly description: string;
  readonly area: AccessArea;
  /** Who asks, in words. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly expected: Decision;
  /** The statement that must decide (prefixed `scp:` or `resource:` outside the identity policy). */
  readonly expectedSid?: string;
  readonly simulation: Simulation;
  /** AWS-owned document ARNs have no account, which the evaluator's validation rejects. */
  readonly unsafe?: boolean;
}

export interface AccessResult {
  readonly case: AccessCase;
  readonly evaluation: Evaluation;
  /** Decision as expected and, where one is named, decided by the expected statement. */
  readonly pass: boolean;
}

export interface Caller {
  readonly label: string;
  /** The session ARN that makes the request. */
  readonly arn: string;
  readonly context: Record<string, string | string[]>;
}
