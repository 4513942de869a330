import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * EventBridge event-pattern matching for tests, by moto's EventBridge matcher (the emulator the
 * deploy suite runs, in this machine's Python 3): exact values, `prefix`, `suffix`,
 * `anything-but`, `exists`, `numeric`, `equals-ignore-case`, `wildcard`, `cidr`. The pattern is
 * parsed as PutRule parses it; an operator EventBridge does not define throws, so a test can
 * never pass by accident.
 */

export type EventPattern = { readonly [key: string]: EventPattern | readonly unknown[] };

const PYTHON = process.env.MOTO_PYTHON ?? 'python3';
const SCRIPT = join(__dirname, 'event_pattern.py');

/** Whether each event matches its pattern, in one run of the matcher. */
export function matchesPatterns(cases: readonly { event: unknown; pattern: EventPattern }[]): boolean[] {
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the event-pattern matcher failed: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as boolean[];
}

/** Whether `event` matches `pattern`. */
export function matchesPattern(event: unknown, pattern: EventPattern): boolean {
  return matchesPatterns([{ event, pattern }])[0]!;
}
