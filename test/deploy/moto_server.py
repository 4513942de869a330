"""Starts moto's server for the deploy suite, with the test-only patches named on the command line.

Usage: python3 moto_server.py --patch NAME [--patch NAME ...] -H 127.0.0.1 -p PORT

Each patch works around one emulator gap listed, with its evidence, in test/deploy/emulator-gaps.ts.
A patch changes the emulator only: nothing here is part of the product.
"""
import sys


def patch_put_bucket_logging_star_principal():
    # moto reads every statement's Principal as a dict (`stmt.get("Principal", {}).get("Service")`),
    # so PutBucketLogging fails with HTTP 500 when the target bucket's policy has a statement whose
    # Principal is the string "*" (the TLS-only Deny). Such a statement cannot grant log delivery
    # anyway, so it is left out of the check; everything else is moto's own logic.
    import json

    from moto.s3.models import FakeBucket

    original = FakeBucket._log_permissions_enabled_policy

    def checked(target_bucket, target_prefix):
        if not target_bucket.policy:
            return original(target_bucket, target_prefix)
        document = json.loads(target_bucket.policy.decode())
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        kept = [s for s in statements if isinstance(s.get("Principal"), dict)]
        saved = target_bucket.policy
        target_bucket.policy = json.dumps({**document, "Statement": kept}).encode()
        try:
            return original(target_bucket, target_prefix)
        finally:
            target_bucket.policy = saved

    FakeBucket._log_permissions_enabled_policy = staticmethod(checked)


def patch_saml_provider_tags():
    # moto drops the Tags of CreateSAMLProvider and returns none from GetSAMLProvider, so the
    # provider's default tags show as a change (`tags_all`) in every plan. Keep and return them.
    from moto.iam.responses import IamResponse

    original = IamResponse.create_saml_provider

    def create_saml_provider(self):
        result = original(self)
        provider = self.backend.saml_providers[self._get_param("Name")]
        provider.tags = self._get_param("Tags", [])
        return result

    IamResponse.create_saml_provider = create_saml_provider


def patch_lambda_logging_config():
    # moto ignores a function's LoggingConfig (log format, log group, log levels) and never returns
    # it, so the provider plans to add `logging_config` again after every apply. Keep and return it.
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def __init__(self, account_id, spec, *args, **kwargs):
        original_init(self, account_id, spec, *args, **kwargs)
        self.logging_config = spec.get("LoggingConfig")

    def get_configuration(self, *args, **kwargs):
        config = original_get(self, *args, **kwargs)
        if getattr(self, "logging_config", None):
            config["LoggingConfig"] = self.logging_config
        return config

    def update_configuration(self, config_updates):
        if "LoggingConfig" in config_updates:
            self.logging_config = config_updates["LoggingConfig"]
        return original_update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


JITNA_DOCUMENT_TYPES = ("AutoApprovalPolicy", "ManualApprovalPolicy")


def patch_jitna_document_types():
    # moto's CreateDocument knows the document types of 2023 and answers "Invalid document type" for
    # the two of just-in-time node access (its CloudFormation AWS::SSM::Document goes through the
    # same check). Accept them; and refuse DescribeDocumentPermission for them, as AWS does
    # ("InvalidDocumentOperation: ... documents can only be shared using RAM or resource policies"),
    # so the suite shows that nothing the product deploys reads their permissions.
    from moto.ssm import models
    from moto.ssm.exceptions import InvalidDocumentOperation

    original_validate = models._validate_document_info

    def validate(content, name, document_type, document_format, strict=True):
        if document_type in JITNA_DOCUMENT_TYPES:
            document_type = "Automation"
        return original_validate(content, name, document_type, document_format, strict)

    original_describe_permission = models.SimpleSystemManagerBackend.describe_document_permission

    def describe_document_permission(self, name):
        document = self._get_documents(name).get_default_version()
        if document.document_type in JITNA_DOCUMENT_TYPES:
            raise InvalidDocumentOperation(
                f"{document.document_type} documents can only be shared using RAM or resource policies"
            )
        return original_describe_permission(self, name)

    models._validate_document_info = validate
    models.SimpleSystemManagerBackend.describe_document_permission = describe_document_permission


def patch_cloudformation_ssm_document_content():
    # A CloudFormation AWS::SSM::Document takes Content as an object; moto stores that object as the
    # document's content, and DescribeDocument then fails (HTTP 500: 'dict' object has no attribute
    # 'encode'). CloudFormation writes the object out in the document's format: do the same.
    import json

    import yaml
    from moto.ssm.models import Document

    original = Document.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        content = properties.get("Content")
        if isinstance(content, dict):
            text = (
                yaml.safe_dump(content, sort_keys=False)
                if properties.get("DocumentFormat") == "YAML"
                else json.dumps(content)
            )
            cloudformation_json = {**cloudformation_json, "Properties": {**properties, "Content": text}}
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    Document.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)


def _ssoadmin():
    from moto.ssoadmin.exceptions import ConflictException, ResourceNotFoundException
    from moto.ssoadmin.responses import SSOAdminResponse

    return SSOAdminResponse, ResourceNotFoundException, ConflictException


def _ssoadmin_instance(backend, instance_arn, not_found):
    for instance in backend.instances:
        if instance.instance_arn == instance_arn:
            return instance
    raise not_found(f"Instance {instance_arn} does not exist")


def patch_ssoadmin_tags():
    # moto keeps the Tags of CreatePermissionSet but has no ListTagsForResource, TagResource or
    # UntagResource (HTTP 500, "not implemented"), so the provider cannot read a permission set.
    # Serve them from the permission set's tags.
    import json

    response, _, _ = _ssoadmin()

    def permission_set(self):
        return self.ssoadmin_backend._find_permission_set(self._get_param("InstanceArn"), self._get_param("ResourceArn"))

    def list_tags_for_resource(self):
        return json.dumps({"Tags": permission_set(self).tags or []})

    def tag_resource(self):
        found = permission_set(self)
        added = {t["Key"]: t["Value"] for t in self._get_param("Tags", [])}
        found.tags = [t for t in (found.tags or []) if t["Key"] not in added]
        found.tags += [{"Key": k, "Value": v} for k, v in added.items()]
        return "{}"

    def untag_resource(self):
        found = permission_set(self)
        removed = set(self._get_param("TagKeys", []))
        found.tags = [t for t in (found.tags or []) if t["Key"] not in removed]
        return "{}"

    response.list_tags_for_resource = list_tags_for_resource
    response.tag_resource = tag_resource
    response.untag_resource = untag_resource


def patch_ssoadmin_access_control_attributes():
    # moto has none of the instance access control attribute calls (Create, Describe, Update and
    # Delete InstanceAccessControlAttributeConfiguration answer HTTP 500, "not implemented"). Keep
    # one configuration per instance, as Identity Center does, reported ENABLED at once. Create on a
    # configured instance answers ConflictException and Describe of an unconfigured one
    # ResourceNotFoundException (both among the calls' documented errors).
    import json

    response, not_found, conflict = _ssoadmin()

    def instance(self):
        return _ssoadmin_instance(self.ssoadmin_backend, self._get_param("InstanceArn"), not_found)

    def configured(self):
        found = instance(self)
        if getattr(found, "access_control_attributes", None) is None:
            raise not_found("Access control attribute configuration does not exist for this instance")
        return found

    def create(self):
        found = instance(self)
        if getattr(found, "access_control_attributes", None) is not None:
            raise conflict("Access control attribute configuration already exists for this instance")
        config = self._get_param("InstanceAccessControlAttributeConfiguration")
        found.access_control_attributes = config.get("AccessControlAttributes", [])
        return "{}"

    def describe(self):
        found = configured(self)
        return json.dumps(
            {
                "Status": "ENABLED",
                "InstanceAccessControlAttributeConfiguration": {
                    "AccessControlAttributes": found.access_control_attributes
                },
            }
        )

    def update(self):
        found = configured(self)
        config = self._get_param("InstanceAccessControlAttributeConfiguration")
        found.access_control_attributes = config.get("AccessControlAttributes", [])
        return "{}"

    def delete(self):
        configured(self).access_control_attributes = None
        return "{}"

    response.create_instance_access_control_attribute_configuration = create
    response.describe_instance_access_control_attribute_configuration = describe
    response.update_instance_access_control_attribute_configuration = update
    response.delete_instance_access_control_attribute_configuration = delete


def patch_ssoadmin_provisioning_status():
    # moto's ProvisionPermissionSet answers with a RequestId, but there is no
    # DescribePermissionSetProvisioningStatus to follow it (HTTP 500, "not implemented"), and the
    # provider waits on it after every inline policy change. Remember each request's status.
    import json

    response, not_found, _ = _ssoadmin()
    original = response.provision_permission_set

    def provision_permission_set(self):
        body = original(self)
        status = json.loads(body)["PermissionSetProvisioningStatus"]
        requests = self.ssoadmin_backend.__dict__.setdefault("provisioning_requests", {})
        requests[status["RequestId"]] = status
        return body

    def describe_permission_set_provisioning_status(self):
        requests = self.ssoadmin_backend.__dict__.get("provisioning_requests", {})
        request_id = self._get_param("ProvisionPermissionSetRequestId")
        if request_id not in requests:
            raise not_found(f"Could not find provisioning request {request_id}")
        return json.dumps({"PermissionSetProvisioningStatus": requests[request_id]})

    response.provision_permission_set = provision_permission_set
    response.describe_permission_set_provisioning_status = describe_permission_set_provisioning_status


def patch_s3_policy_secure_transport():
    # moto evaluates a bucket policy for object requests (each DeleteObjects item, object GET, PUT
    # and DELETE), but of condition operators it knows only StringEquals: any other one matches. So
    # the TLS-only Deny ({"Bool": {"aws:SecureTransport": "false"}}) refuses every such request. The
    # emulator stands in for S3's HTTPS endpoint, which the provider and an operator's tools use:
    # leave out the statements that only apply to requests without TLS. Everything else is moto's.
    import json

    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def insecure_only(statement):
        values = (statement.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport")
        values = values if isinstance(values, list) else [values]
        return values != [None] and all(str(v).lower() == "false" for v in values)

    def get_permission(self, action, resource):
        # moto's own FakeBucket.get_permission, on the policy without those statements.
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        kept = {**document, "Statement": [s for s in statements if not insecure_only(s)]}
        return IAMPolicy(json.dumps(kept)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission


ACCESS_LOG_DELIVERY_PATH = "/moto-api/s3/deliver-access-logs"


def patch_s3_access_log_delivery():
    # moto writes each server access log record into the target bucket at the start of the request
    # it records, the request that turns logging off included, so a destroy always leaves records of
    # its own requests in the access-log bucket and refuses to delete it. S3 delivers records on a
    # best-effort basis, most within a few hours. Keep the records instead, as S3's delivery queue,
    # and deliver them when POST /moto-api/s3/deliver-access-logs asks (the suite's "a few hours
    # later"); a record whose target bucket is gone by then is dropped. The record's text is moto's.
    import threading

    from moto.moto_api._internal import urls
    from moto.s3.models import S3Backend

    original = S3Backend.log_incoming_request
    pending = []
    lock = threading.Lock()

    class Queue:
        """Stands in for the backend while moto formats a record: keeps the record, writes nothing."""

        def __init__(self, backend):
            self.backend = backend

        def get_bucket(self, name):
            return self.backend.get_bucket(name)

        def put_object(self, bucket_name, key_name, value, **_):
            with lock:
                pending.append((self.backend, bucket_name, key_name, value))

    def log_incoming_request(self, request, bucket_name):
        original(Queue(self), request, bucket_name)

    def deliver(request, full_url, headers):
        with lock:
            records = list(pending)
            pending.clear()
        delivered = 0
        for backend, bucket_name, key_name, value in records:
            try:
                backend.put_object(bucket_name, key_name, value=value)
                delivered += 1
            except Exception:  # noqa: BLE001 - the target bucket was deleted: S3 drops the record too
                pass
        return 200, {"Content-Type": "application/json"}, f'{{"delivered": {delivered}}}'

    S3Backend.log_incoming_request = log_incoming_request
    urls.url_paths["{0}" + ACCESS_LOG_DELIVERY_PATH] = deliver


PATCHES = {
    "put-bucket-logging-star-principal": patch_put_bucket_logging_star_principal,
    "s3-access-log-delivery": patch_s3_access_log_delivery,
    "s3-policy-secure-transport": patch_s3_policy_secure_transport,
    "saml-provider-tags": patch_saml_provider_tags,
    "lambda-logging-config": patch_lambda_logging_config,
    "jitna-document-types": patch_jitna_document_types,
    "cloudformation-ssm-document-content": patch_cloudformation_ssm_document_content,
    "ssoadmin-tags": patch_ssoadmin_tags,
    "ssoadmin-access-control-attributes": patch_ssoadmin_access_control_attributes,
    "ssoadmin-provisioning-status": patch_ssoadmin_provisioning_status,
}


def main(argv):
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] == "--patch":
            name = argv[i + 1]
            if name not in PATCHES:
                sys.exit(f"moto_server.py: unknown patch {name!r}; known: {', '.join(sorted(PATCHES))}")
            PATCHES[name]()
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    from moto.server import main as moto_main

    moto_main(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
