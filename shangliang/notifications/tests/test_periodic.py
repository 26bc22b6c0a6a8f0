from datetime import timedelta

from shangliang.notifications.tasks import deliver_outbox
from shangliang.ops import periodic


def test_the_outbox_sweep_runs_every_minute():
    job = {j.name: j for j in periodic.registered_jobs()}["notifications.deliver_outbox"]
    assert (job.task, job.every, job.daily_at) == (deliver_outbox, timedelta(minutes=1), None)
