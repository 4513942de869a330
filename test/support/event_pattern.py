"""Matches EventBridge events against event patterns with moto's EventBridge matcher.

Reads a JSON list of {"event": ..., "pattern": ...} on stdin and writes a JSON list of booleans.
The pattern is loaded as EventBridge's PutRule loads it (moto's parser, which rejects what
EventBridge rejects, such as empty arrays); an operator EventBridge does not define is refused
here, because moto's matcher treats an unknown operator as a match.
"""

import json
import sys

from moto.events.models import EventPattern

OPERATORS = {
    "prefix",
    "suffix",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
    "equals-ignore-case",
    "wildcard",
}


def check_operators(node, path="$"):
    if isinstance(node, dict):
        for key, value in node.items():
            check_operators(value, f"{path}.{key}")
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, dict):
                unknown = set(item) - OPERATORS
                if unknown or len(item) != 1:
                    raise ValueError(f"{path}: not an EventBridge matcher: {json.dumps(item)}")


def main():
    cases = json.load(sys.stdin)
    results = []
    for case in cases:
        raw = json.dumps(case["pattern"])
        check_operators(case["pattern"])
        results.append(EventPattern.load(raw).matches_event(case["event"]))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
