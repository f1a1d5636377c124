"""Translates template.yaml (SAM) into plain CloudFormation with aws-sam-translator, as `sam deploy` would.

Usage: python3 sam_translate.py TEMPLATE [Name=Value ...]   (prints the CloudFormation JSON)
       python3 sam_translate.py --check                      (exits 0 when the translator is installed)

Nothing is uploaded: each CodeUri becomes s3://flagstep-artifacts/<path> (the zips need not exist) and the
DefinitionUri's file is inlined as the Definition, which the translator turns into DefinitionString plus
DefinitionSubstitutions exactly as it does for the uploaded file.
"""
import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ARTIFACTS = "flagstep-artifacts"
# The translator takes the region for ARNs it builds from the boto session; no credentials are needed.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


class NoManagedPolicies:
    """The template names no AWS managed policy by name: nothing to look up in IAM."""

    def load(self):
        return {}


def main(path, params):
    root = os.path.dirname(os.path.abspath(path))
    with open(path) as f:
        template = yaml_parse(f.read())
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = f"s3://{ARTIFACTS}/{props['CodeUri']}"
        if resource["Type"] == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            with open(os.path.join(root, props.pop("DefinitionUri"))) as f:
                props["Definition"] = json.load(f)
    values = dict(p.split("=", 1) for p in params)
    print(json.dumps(transform(template, values, NoManagedPolicies()), indent=1, sort_keys=True))


if __name__ == "__main__":
    if sys.argv[1] != "--check":
        main(sys.argv[1], sys.argv[2:])
