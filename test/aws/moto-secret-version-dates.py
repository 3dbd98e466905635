"""
A stand-in for the dates in Secrets Manager's ListSecretVersionIds, loaded into moto's own process
(MotoServer.start({ standIns: [...] })): moto 5.2.1 answers every version's CreatedDate (and
LastAccessedDate) with the time of the call, not the time the version was written, which moto
does record (its GetSecretValue reports it), and answers ARN with the secret's name. With it,
ListSecretVersionIds reports each version's CreatedDate as moto recorded it (whole seconds, as
moto keeps it) and the secret's ARN; the versions, their stages and the lookup stay moto's own.
"""
import json

from moto.secretsmanager import models

_list = models.SecretsManagerBackend.list_secret_version_ids


def _dated_list(self, secret_id):
    answer = json.loads(_list(self, secret_id))
    secret = self.secrets[secret_id]
    for version in answer["Versions"]:
        version["CreatedDate"] = secret.versions[version["VersionId"]]["createdate"]
    answer["ARN"] = secret.arn
    return json.dumps(answer)


models.SecretsManagerBackend.list_secret_version_ids = _dated_list
