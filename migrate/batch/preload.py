"""Imported once by the local executor's fork server (``set_forkserver_preload``).

Every job's worker process is forked from that server, so what is done here
is done once per batch instead of once per job: importing lxml and the
readers and writers, and scanning the installed entry points for plugins.
"""

from migrate import registry
from migrate.batch import jobs  # noqa: F401
from migrate.readers import wxr  # noqa: F401
from migrate.writers import json  # noqa: F401

registry.plugins(registry.READERS)
registry.plugins(registry.WRITERS)
