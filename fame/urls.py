from django.conf import settings
from django.urls import include, path

from fame import apis
from fame.directory.api import api as directory_api

# The role decides what this process serves: a node serves only its API and
# /healthz (fame.federation.middleware turns everything else away).
urlpatterns = [path("", include("fame.web.urls"))]
if settings.FAME_ROLE in {"hub", "both"}:
    urlpatterns += [
        path("", include("fame.accounts.urls")),
        path("", include("fame.index.urls")),
        path("", include("fame.sharing.urls")),
        path("", include("fame.federation.urls")),
        path("federation/v1/hub/", apis.hub.urls),
        path("", include("fame.caf.hub.urls")),
        path("", include("fame.audit.urls")),
        path("", include("fame.demonstrator.urls")),
        path("", include("fame.readiness.urls")),
        path("", include("fame.guidance.urls")),
        path("", include("fame.benefits.urls")),
        path("", include("fame.reports.urls")),
        path("", include("fame.directory.urls")),
        path("directory/api/", directory_api.urls),
    ]
if settings.FAME_ROLE in {"node", "both"}:
    urlpatterns += [
        path("federation/v1/node/", apis.node.urls),
    ]

handler404 = "fame.web.views.not_found"
handler500 = "fame.web.views.server_error"
