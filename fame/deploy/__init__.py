"""Running FAME for real: the deployment files, and backing up and restoring a process.

``render.py`` renders the Jinja2 templates in ``files/`` (the nginx site of the hub or
a node, the systemd units and timers, the example environment files); the files
shipped in ``deploy/`` are these templates rendered with ``EXAMPLE``, the values
docs/deploy.md uses, and ``fame deploy files --out DIR`` writes them for other values.
See docs/adr/0043-deployment-files-rendered-from-one-source.md.

``backup.py``: ``make_backup`` writes one archive, the database (``pg_dump`` on
PostgreSQL, SQLite's online backup API on SQLite) and the files of the data folder that
cannot be made again (the keys above all); ``restore_backup`` puts it back into an empty
database and data folder (``fame backup``, ``fame restore``). See
docs/adr/0045-backups-restores-and-the-witnessed-audit-log.md.
"""

from .backup import BackupError, BackupReport, make_backup, restore_backup
from .render import EXAMPLE, Values, all_files, env_files, nginx_site, systemd_units

__all__ = [
    "EXAMPLE",
    "BackupError",
    "BackupReport",
    "Values",
    "all_files",
    "env_files",
    "make_backup",
    "nginx_site",
    "restore_backup",
    "systemd_units",
]
