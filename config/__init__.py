# The Celery app is loaded with Django so ``shared_task`` binds to it in every process: the app
# servers that queue tasks as well as the worker that runs them.
from config.celery import app as celery_app

__all__ = ("celery_app",)
