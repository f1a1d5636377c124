"""moto's server, set up for flagstep's tests (docs/deploy.md, "Testing against AWS emulators").

Usage: python3 moto_launcher.py PORT [LAMBDA_ENDPOINT]

- Step Functions executes the real ASL (moto's port of LocalStack's interpreter), not its default stub.
- With LAMBDA_ENDPOINT (e.g. http://127.0.0.1:8080, what `flagstep serve` answers the Lambda Invoke API on),
  the interpreter's Lambda tasks are sent there instead of to moto's own Lambda, which needs Docker to run
  code. The seam is where moto's interpreter builds its Lambda client: `boto_client_for` as imported into
  `lambda_eval_utils`; every other service the interpreter calls stays on moto.
"""
import sys

from moto.core.config import default_user_config

default_user_config["stepfunctions"] = {"execute_state_machine": True}

if len(sys.argv) > 2 and sys.argv[2]:
    import boto3
    from botocore.config import Config
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    lambda_endpoint = sys.argv[2]
    moto_client_for = lambda_eval_utils.boto_client_for

    def routed_client_for(region, service, state_credentials=None):
        if service != "lambda":
            return moto_client_for(region, service, state_credentials)
        return boto3.client(
            "lambda", region_name=region, endpoint_url=lambda_endpoint,
            aws_access_key_id="ak", aws_secret_access_key="sk",
            config=Config(parameter_validation=False, retries={"max_attempts": 0, "total_max_attempts": 1},
                          connect_timeout=60, read_timeout=900))

    lambda_eval_utils.boto_client_for = routed_client_for

from moto.server import main

main(["-H", "127.0.0.1", "-p", sys.argv[1]])
