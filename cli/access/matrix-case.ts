import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../modules/core/policy-document';
import type { SynthesizedAccess } from './access-model';
import type { Decision, Evaluation } from './evaluator';

/** One case of the access matrix and what the files that add cases share (access-matrix*.ts, ci-access.ts). */

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

/** The helpers `accessMatrix` builds for its own cases and hands to the files that add more. */
export interface MatrixHelpers {
  readonly access: SynthesizedAccess;
  readonly add: (
    c: Omit<AccessCase, 'simulation' | 'principal'> & {
      caller: Caller;
      context?: Record<string, string | string[]>;
      policies: { identity: PolicyDocument[]; resource?: PolicyDocument };
    },
  ) => void;
  readonly startOn: (
    description: string,
    caller: Caller,
    resource: string,
    instanceTags: Record<string, string>,
    expected: Decision,
    expectedSid?: string,
  ) => void;
  readonly person: (name: string, tags?: Record<string, string>) => Caller;
  /** The aws:userid of a person's session. */
  readonly userId: (name: string) => string;
  readonly instance: (region: string, account?: string) => string;
  readonly otherAccount: string;
}
