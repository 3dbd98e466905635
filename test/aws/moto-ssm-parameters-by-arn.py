"""
A stand-in for parameters named by ARN in Parameter Store's GetParameters, loaded into moto's own
process (MotoServer.start({ standIns: [...] })): GetParameters takes "the names or Amazon Resource
Names (ARNs) of the parameters" (botocore's SSM model, GetParametersRequest.Names), but moto 5.2.1's
get_parameters looks each name up by the text before its first colon, so it reports every ARN in
InvalidParameters. moto's own get_parameter resolves an ARN of its account and Region (it strips
the `arn:...:parameter` prefix); with this file, get_parameters hands the ARNs to it. Names, the
lookup of each parameter, its LastModifiedDate and the InvalidParameters list stay moto's own.
"""
from moto.ssm import models

_get_parameters = models.SimpleSystemManagerBackend.get_parameters


def _get_parameters_by_arn(self, names):
    result = _get_parameters(self, [name for name in names if not name.startswith(self.ssm_prefix)])
    for name in names:
        if name.startswith(self.ssm_prefix):
            parameter = self.get_parameter(name)
            if parameter is not None:
                result[name] = parameter
    return result


models.SimpleSystemManagerBackend.get_parameters = _get_parameters_by_arn
