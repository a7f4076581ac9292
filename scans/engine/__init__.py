"""Bastion's scanning engine: secrets, dangerous code, AI model files, prompts and PII.

A pure Python package: it imports nothing from Django, so the Celery worker, the `scan` management
command, the `bastion-scan` console command, the tests and the benchmarks all call it the same way.
"""
