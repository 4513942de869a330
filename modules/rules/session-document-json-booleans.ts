import type { Rule } from './rule';
import { sessionDocuments } from './terraform-json';

/** The switches Session Manager reads as booleans are JSON booleans, not strings. */
const BOOLEAN_INPUTS = ['cloudWatchStreamingEnabled', 'runAsEnabled'] as const;

/**
 * A shell-session document's `cloudWatchStreamingEnabled` and `runAsEnabled` are JSON booleans:
 * Session Manager does not read the string `"true"` as true, so run-as would be silently off.
 */
export const sessionDocumentJsonBooleans: Rule = (json) =>
  sessionDocuments(json).flatMap(({ address, inputs }) =>
    BOOLEAN_INPUTS.filter((key) => inputs && typeof inputs[key] !== 'boolean').map((key) => ({
      address,
      message: `${key} is not a JSON boolean (got ${JSON.stringify(inputs![key])})`,
    })),
  );
