"""moto's server, set up for flagstep's tests (docs/deploy.md, "Testing against AWS emulators").

Usage: python3 moto_launcher.py PORT [LAMBDA_ENDPOINT [SPEED]]

- Step Functions executes the real ASL (moto's port of LocalStack's interpreter), not its default stub.
- With LAMBDA_ENDPOINT (e.g. http://127.0.0.1:8080, what `flagstep serve` answers the Lambda Invoke API on),
  the interpreter's Lambda tasks are sent there instead of to moto's own Lambda, which needs Docker to run
  code. The seam is where moto's interpreter builds its Lambda client: `boto_client_for` as imported into
  `lambda_eval_utils`; every other service the interpreter calls stays on moto.
- With SPEED (e.g. 100, as `flagstep serve --speed`), the interpreter's Wait states, task timeouts
  (TimeoutSeconds, TimeoutSecondsPath: a `.waitForTaskToken` gate's wait) and Retry backoffs last SPEED times less, so a
  rollout with a 10 s interval runs in a fraction of a second per tick, on the same scale as the phases'
  clock. moto waits in real time otherwise. Only the durations change; the states, paths and events don't.
"""
import sys

from moto.core.config import default_user_config

default_user_config["stepfunctions"] = {"execute_state_machine": True}

import copy

from moto.stepfunctions.models import StateMachineInstance


def clone_state_machine(self, memo):
    # StartExecution deep-copies the state machine, with it its backend (every machine) and their running
    # executions, whose locks cannot be copied ("cannot pickle '_thread.RLock'"): a second execution on the
    # server fails with a 500. Those two are shared, not copied, as the clone only needs the definition.
    clone = object.__new__(type(self))
    memo[id(self)] = clone
    for key, value in self.__dict__.items():
        clone.__dict__[key] = value if key in ("backend", "executions") else copy.deepcopy(value, memo)
    return clone


StateMachineInstance.__deepcopy__ = clone_state_machine

# The `arn:aws:states:::states:startExecution` task (the ASL's ContinueAsNew) fails in moto 5.2.1 where AWS runs it:
# - its client goes to localhost:5000 (moto_server_port()), not to this server: it gets one for this port;
# - moto's StateTaskService._normalise_parameters/_normalise_response are no-ops (LocalStack's, which moto ported,
#   map them onto the botocore shapes), so `StateMachineArn` reaches botocore as is (States.Runtime) and the answer
#   keeps botocore's keys: here they are mapped both ways, as LocalStack does, for this one integration only.
import boto3 as _boto3
import botocore.session
from botocore.config import Config as _Config
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_sfn

_sfn_model = botocore.session.get_session().get_service_model("stepfunctions")
_sfn_normalise_parameters = state_task_service_sfn.StateTaskServiceSfn._normalise_parameters


def sfn_client_for(region, service, state_credentials=None):
    return _boto3.client(service, region_name=region, endpoint_url="http://127.0.0.1:" + sys.argv[1],
                         aws_access_key_id="ak", aws_secret_access_key="sk",
                         config=_Config(parameter_validation=False, retries={"max_attempts": 0, "total_max_attempts": 1}))


def sfn_normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    _sfn_normalise_parameters(self, parameters, boto_service_name, service_action_name)  # Input as a JSON string
    operation = self._to_sfn_cased(self._get_boto_service_action(service_action_name))
    self._to_boto_request(parameters, _sfn_model.operation_model(operation).input_shape)


def sfn_normalise_response(self, response, boto_service_name=None, service_action_name=None):
    operation = self._to_sfn_cased(self._get_boto_service_action(service_action_name))
    self._from_boto_response(response, _sfn_model.operation_model(operation).output_shape)


state_task_service_sfn.boto_client_for = sfn_client_for
state_task_service_sfn.StateTaskServiceSfn._normalise_parameters = sfn_normalise_parameters
state_task_service_sfn.StateTaskServiceSfn._normalise_response = sfn_normalise_response

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

if len(sys.argv) > 3 and float(sys.argv[3]) != 1:
    from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import Timeout
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

    speed = float(sys.argv[3])

    def scaled_wait(self, env, wait_seconds):
        # one wait of the scaled length (moto's own re-enters on rounding, which scaled seconds defeat)
        if wait_seconds > 0:
            env.program_state_event.wait(wait_seconds / speed)

    def scaled_timeout(self, env):
        env.stack.append(self._eval_seconds(env=env) / speed)

    WaitFunction._wait_interval = scaled_wait
    Timeout._eval_body = scaled_timeout

    # a Retry's backoff (IntervalSeconds, BackoffRate, jitter) is a time.sleep in the retrier: scaled the same way
    import time as _time
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    class _ScaledSleep:
        def __getattr__(self, name):
            return getattr(_time, name)

        def sleep(self, seconds):
            _time.sleep(seconds / speed)

    retrier_decl.time = _ScaledSleep()

from moto.server import main

main(["-H", "127.0.0.1", "-p", sys.argv[1]])
