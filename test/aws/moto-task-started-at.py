"""
A stand-in for the start time of ECS tasks, loaded into moto's own process
(MotoServer.start({ standIns: [...] })): moto 5.2.1's ECS Task has no createdAt or startedAt
(DescribeTasks and RunTask answer without them), and its services start no tasks. With it, a task
that RunTask or StartTask creates is stamped createdAt = startedAt = the moment moto created it,
which DescribeTasks then reports (moto serializes the attributes by the ECS service model). Only the
two timestamps are stood in for; the task's group, its cluster and the listing are moto's own.
"""
import datetime

from moto.ecs import models

_init = models.Task.__init__


def _stamped_init(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.created_at = self.started_at = datetime.datetime.now(datetime.timezone.utc)


models.Task.__init__ = _stamped_init
