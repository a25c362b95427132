"""The web shell: page layout, Jinja environment, security middleware, health check."""
