from django.conf import settings
from django.urls import include, path

# The role decides what this process serves: a node serves only its API and
# /healthz (fame.federation.middleware turns everything else away).
urlpatterns = [path("", include("fame.web.urls"))]
if settings.FAME_ROLE in {"hub", "both"}:
    urlpatterns += [
        path("", include("fame.accounts.urls")),
        path("", include("fame.index.urls")),
        path("", include("fame.sharing.urls")),
        path("", include("fame.federation.urls")),
        path("", include("fame.federation.api_urls")),
        path("", include("fame.caf.urls")),
        path("", include("fame.audit.urls")),
    ]
if settings.FAME_ROLE in {"node", "both"}:
    urlpatterns += [path("", include("fame.node.urls")), path("", include("fame.caf.api_urls"))]

handler404 = "fame.web.views.not_found"
handler500 = "fame.web.views.server_error"
