"""What beat sends must be a task the workers know: a renamed task would be dropped without a word."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {"scans.tasks.scans_stale_requeue_task", "accounts.tasks.expired_tokens_flush_task"}
    assert scheduled <= set(app.tasks)
