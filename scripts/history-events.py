#!/usr/bin/env python3
"""Prints the history Step Functions writes for a small machine with every kind of state the
canary definition uses (Pass, Choice, Wait, a Lambda task retried once, a token task that times
out, Succeed), as moto's port of the AWS interpreter writes it. AslHistoryTest expects the same
24 events from the local interpreter; run this after changing either (needs moto >= 5.2)."""
import io
import json
import time

from moto import mock_aws
from moto.core import config as moto_config
import boto3
import moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils as lambda_eval

moto_config.default_user_config["stepfunctions"] = {"execute_state_machine": True}
ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
calls = {"n": 0}


class FakeLambda:
    """The first call fails as a Lambda service fault, every other one answers (moto needs Docker for real Lambda)."""

    def invoke(self, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            body = {"errorType": "Lambda.ServiceException", "errorMessage": "busy"}
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(json.dumps(body).encode())}
        return {"StatusCode": 200, "Payload": io.BytesIO(b"{}"), "ExecutedVersion": "$LATEST"}


real_client = lambda_eval.boto_client_for
lambda_eval.boto_client_for = lambda *a, **kw: FakeLambda() if "lambda" in str(a) + str(kw) else real_client(*a, **kw)

DEFINITION = {
    "StartAt": "P",
    "States": {
        "P": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "W"}], "Default": "W"},
        "W": {"Type": "Wait", "Seconds": 0, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": ARN, "Payload": {}},
              "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1, "MaxAttempts": 2}],
              "ResultPath": None, "Next": "G"},
        "G": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
              "Parameters": {"FunctionName": ARN, "Payload": {"token.$": "$$.Task.Token"}},
              "TimeoutSeconds": 1, "ResultPath": None,
              "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": None, "Next": "S"}], "Next": "S"},
        "S": {"Type": "Succeed"},
    },
}

with mock_aws():
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    machine = sfn.create_state_machine(name="history", definition=json.dumps(DEFINITION),
                                       roleArn="arn:aws:iam::123456789012:role/history")
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"x": 1}')
    for _ in range(100):
        if sfn.describe_execution(executionArn=execution["executionArn"])["status"] != "RUNNING":
            break
        time.sleep(0.2)
    events = sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    for event in events:
        print(event["id"], event["type"])
    print("total", len(events))
