"""The deployment files: nginx sites and systemd units rendered from a few values.

``render.py`` renders the Jinja2 templates in ``files/`` (the nginx site of the hub or
a node, the systemd units and timers, the example environment files); the files
shipped in ``deploy/`` are these templates rendered with ``EXAMPLE``, the values
docs/deploy.md uses, and ``fame deploy files --out DIR`` writes them for other values.
See docs/adr/0043-deployment-files-rendered-from-one-source.md.
"""

from .render import EXAMPLE, Values, all_files, env_files, nginx_site, systemd_units

__all__ = ["EXAMPLE", "Values", "all_files", "env_files", "nginx_site", "systemd_units"]
