"""Makes AWS API calls against the emulator with boto3 and prints their results as JSON.

Reads {"endpoint": URL, "calls": [{"service", "region", "method", "params"}]} from standard input and
prints one entry per call (a parameter may take a value from an earlier call's result, see decode):
{"ok": true, "result": {...}} or {"ok": false, "error": {"code", "status",
"message"}}. The deploy suite uses it to read deployed resources back, to create what an environment
only references, and to show each emulator gap on an unpatched emulator. boto3 comes with moto.
"""
import base64
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def default(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if hasattr(value, "read"):
        return value.read().decode()
    return str(value)


class DependsOnFailedCall(Exception):
    pass


def decode(value, results):
    """{"$base64": "..."} in a call's parameters stands for bytes (JSON has none); {"$result": [i,
    key, ...]} for a value from the result of the i-th call before it (an id the emulator chose)."""
    if isinstance(value, dict):
        if set(value) == {"$base64"}:
            return base64.b64decode(value["$base64"])
        if set(value) == {"$result"}:
            index, *path = value["$result"]
            if not results[index]["ok"]:
                raise DependsOnFailedCall(f"call {index}, whose result this call takes, failed")
            found = results[index]["result"]
            for key in path:
                found = found[key]
            return found
        return {k: decode(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v, results) for v in value]
    return value


def main():
    request = json.load(sys.stdin)
    clients = {}
    results = []
    for call in request["calls"]:
        key = (call["service"], call["region"])
        if key not in clients:
            clients[key] = boto3.client(
                call["service"],
                region_name=call["region"],
                endpoint_url=request["endpoint"],
                aws_access_key_id="emulator",
                aws_secret_access_key="emulator",
                config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
            )
        try:
            result = getattr(clients[key], call["method"])(**decode(call.get("params", {}), results))
            result.pop("ResponseMetadata", None)
            results.append({"ok": True, "result": result})
        except DependsOnFailedCall as error:
            results.append({"ok": False, "error": {"message": str(error)}})
        except ClientError as error:
            results.append(
                {
                    "ok": False,
                    "error": {
                        "code": error.response.get("Error", {}).get("Code"),
                        "status": error.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                        "message": str(error),
                    },
                }
            )
    json.dump(results, sys.stdout, default=default)


if __name__ == "__main__":
    main()
