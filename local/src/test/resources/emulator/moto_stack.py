"""Creates translated CloudFormation (sam_translate.py's output, on stdin) as a stack on a moto server and
prints what moto then describes, as JSON, for the test to assert on.

Usage: python3 moto_stack.py ENDPOINT STACK_NAME [Name=Value ...] < translated.json

moto's CloudFormation cannot create every resource type the template uses. The harness, not the template,
works around it:
- resource types moto has no CloudFormation model for are left out of the stack ("stripped"); a reference to
  one becomes the string "stripped-<Id>" (e.g. the HTTP API id in FLAGSTEP_API_URL); the test checks the
  stripped resources statically in the translated template;
- AWS::Lambda::Alias is one of them, but the state machine, rules and permissions name aliases: a Ref to an
  alias becomes the ARN CloudFormation would return for it (function ARN + ":" + alias name), except in
  AWS::Lambda::Permission, which moto checks against its functions: those are dependents;
- moto's EventBus has no Ref value (it returns its Python object): a Ref to a bus becomes its Fn::GetAtt Name,
  the bus name CloudFormation returns;
- moto's CloudFormation creates state machines in its plain Step Functions backend, which its API no longer
  answers from once `execute_state_machine` is on (moto_launcher.py turns it on): the script turns it off
  through moto's config API before it creates the stack;
- moto ignores a state machine's DefinitionSubstitutions: the definition becomes the Fn::Sub over them that
  CloudFormation applies, so moto's own Fn::Sub resolves the ${...} placeholders.
"""
import ast
import io
import json
import re
import sys
import urllib.request
import zipfile

import boto3
from moto.cloudformation.parsing import get_model_map  # the types moto's CloudFormation can create

ARTIFACTS = "flagstep-artifacts"


def refs(node):
    """Logical ids a node refers to (Ref, Fn::GetAtt, Fn::Sub ${Id} / ${Id.Attr})."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "Ref" and isinstance(v, str):
                yield v
            elif k == "Fn::GetAtt":
                yield v[0] if isinstance(v, list) else v.split(".")[0]
            elif k == "Fn::Sub":
                text = v[0] if isinstance(v, list) else v
                yield from (m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)}", text))
                if isinstance(v, list):
                    yield from refs(v[1])
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def ref_values(resources):
    """What a Ref to these resources returns on CloudFormation, where moto's Ref cannot say it."""
    values = {}
    for k, r in resources.items():
        if r["Type"] == "AWS::Lambda::Alias":
            alias = r["Properties"]
            values[k] = {"Fn::Join": [":", [{"Fn::GetAtt": [alias["FunctionName"]["Ref"], "Arn"]}, alias["Name"]]]}
        elif r["Type"] == "AWS::Events::EventBus":
            values[k] = {"Fn::GetAtt": [k, "Name"]}
    return values


def rewrite(node, values, placeholders):
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] in values:
            return values[node["Ref"]]
        if set(node) == {"Ref"} and node["Ref"] in placeholders:
            return placeholder(node["Ref"])
        if set(node) == {"Fn::GetAtt"}:
            at = node["Fn::GetAtt"] if isinstance(node["Fn::GetAtt"], list) else node["Fn::GetAtt"].split(".", 1)
            if at[0] in placeholders:
                return placeholder(".".join(at))
        if set(node) == {"Fn::Sub"}:
            sub = node["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) else sub
            text = re.sub(r"\$\{([^!}.]+)(\.[^}]*)?}",
                          lambda m: placeholder(m.group(0)[2:-1]) if m.group(1) in placeholders else m.group(0), text)
            return {"Fn::Sub": [text, rewrite(sub[1], values, placeholders)] if isinstance(sub, list) else text}
        return {k: rewrite(v, values, placeholders) for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite(v, values, placeholders) for v in node]
    return node


def placeholder(reference):
    """The value a reference to a stripped resource gets on moto (never asserted on)."""
    return "stripped-" + reference.replace(".", "-")


def for_moto(template):
    resources = template["Resources"]
    values = ref_values(resources)
    stripped = {k: r["Type"] for k, r in resources.items() if r["Type"] not in get_model_map()}
    aliases = {k for k, t in stripped.items() if t == "AWS::Lambda::Alias"}

    def needs_stripped(r):
        # moto's Lambda checks that a permission's function exists: an alias it never created does not.
        blocking = aliases if r["Type"] == "AWS::Lambda::Permission" else set()
        return any(d in blocking or d in dependents for d in list(refs(r)) + list(r.get("DependsOn", [])))

    dependents = {}
    while True:
        more = {k: r["Type"] for k, r in resources.items()
                if k not in stripped and k not in dependents and needs_stripped(r)}
        if not more:
            break
        dependents.update(more)
    placeholders = set(stripped) - aliases
    kept = {k: rewrite(r, values, placeholders) for k, r in resources.items()
            if k not in stripped and k not in dependents}
    for r in kept.values():
        props = r.get("Properties", {})
        if r["Type"] == "AWS::StepFunctions::StateMachine" and "DefinitionSubstitutions" in props:
            definition = props.pop("DefinitionString")
            if isinstance(definition, dict) and "Fn::Join" in definition:
                sep, parts = definition["Fn::Join"]
                definition = sep.join(parts)
            props["DefinitionString"] = {"Fn::Sub": [definition, props.pop("DefinitionSubstitutions")]}
    outputs = {k: rewrite(o, values, placeholders) for k, o in template.get("Outputs", {}).items()
               if not set(dependents) & set(refs(o))}
    return dict(template, Resources=kept, Outputs=outputs), stripped, dependents


def document(policy):
    """moto stores a CloudFormation role's inline policy as the Python repr of the dict."""
    return ast.literal_eval(policy) if isinstance(policy, str) and policy.startswith("{'") else policy


def main(endpoint, stack, params):
    template = json.load(sys.stdin)
    config = urllib.request.Request(endpoint + "/moto-api/config", method="POST", headers={"Content-Type": "application/json"},
                                    data=json.dumps({"stepfunctions": {"execute_state_machine": False}}).encode())
    urllib.request.urlopen(config).close()
    moto_template, stripped, dependents = for_moto(template)
    kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
              aws_secret_access_key="testing")
    client = lambda service: boto3.client(service, **kw)
    s3 = client("s3")
    s3.create_bucket(Bucket=ARTIFACTS)
    zip_bytes = io.BytesIO()
    with zipfile.ZipFile(zip_bytes, "w") as z:
        z.writestr("placeholder.txt", "the CodeUri zips are not needed to create the stack")
    for r in moto_template["Resources"].values():
        code = r.get("Properties", {}).get("Code", {})
        if r["Type"] == "AWS::Lambda::Function" and "S3Key" in code:
            s3.put_object(Bucket=ARTIFACTS, Key=code["S3Key"], Body=zip_bytes.getvalue())
    cfn = client("cloudformation")
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(moto_template), Capabilities=["CAPABILITY_IAM"],
                     Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in
                                 (p.split("=", 1) for p in params)])
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    resources = cfn.describe_stack_resources(StackName=stack)["StackResources"]
    physical = {r["LogicalResourceId"]: r.get("PhysicalResourceId") for r in resources}
    types = {r["LogicalResourceId"]: r["ResourceType"] for r in resources}
    of = lambda t: [k for k, v in types.items() if v == t]
    ddb, events, sfn, iam, lam = (client(s) for s in ("dynamodb", "events", "stepfunctions", "iam", "lambda"))
    report = {
        "stackStatus": described["StackStatus"],
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])},
        "resources": types,
        "stripped": stripped,
        "dependents": dependents,
        "tables": {k: dict(ddb.describe_table(TableName=physical[k])["Table"],
                           TimeToLive=ddb.describe_time_to_live(TableName=physical[k])["TimeToLiveDescription"])
                   for k in of("AWS::DynamoDB::Table")},
        # moto gives buses no physical id: every bus but the default one is the stack's.
        "buses": [b for b in events.list_event_buses()["EventBuses"] if b["Name"] != "default"],
        "translated": template,
        "rules": [],
        "stateMachines": {k: sfn.describe_state_machine(stateMachineArn=physical[k])
                          for k in of("AWS::StepFunctions::StateMachine")},
        "roles": {},
        "functions": {k: lam.get_function(FunctionName=physical[k])["Configuration"]
                      for k in of("AWS::Lambda::Function")},
    }
    for bus in events.list_event_buses()["EventBuses"]:
        for rule in events.list_rules(EventBusName=bus["Name"])["Rules"]:
            targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus["Name"])["Targets"]
            report["rules"].append(dict(rule, Targets=targets))
    for k in of("AWS::IAM::Role"):
        role = iam.get_role(RoleName=physical[k])["Role"]
        role["InlinePolicies"] = {p: document(iam.get_role_policy(RoleName=physical[k], PolicyName=p)["PolicyDocument"])
                                  for p in iam.list_role_policies(RoleName=physical[k])["PolicyNames"]}
        role["AttachedPolicies"] = [p["PolicyArn"] for p in
                                    iam.list_attached_role_policies(RoleName=physical[k])["AttachedPolicies"]]
        report["roles"][k] = role
    print(json.dumps(report, indent=1, sort_keys=True, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
