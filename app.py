"""WSGI entry point: Toolforge's ``webservice python3.11`` (uWSGI) and gunicorn load ``app:app``.

Configuration comes from the private ``config.yaml`` or ``WIKITOURS_*`` environment variables
(see ``toolforge/config.yaml.example`` and the README section "Deploying the app on Toolforge").
"""

from toolforge import create_app

app = create_app()
