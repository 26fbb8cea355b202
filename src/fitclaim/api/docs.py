"""The API's interactive documentation, served entirely by fitclaim.

django-ninja's Swagger page loads its script and style from a CDN unless `ninja`
is an installed app. Rather than add an app for four files, the page is rendered
from our own template and the files come straight from the ninja package, so
they always match the installed version and no request leaves the server.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja.openapi.docs import Swagger, _csrf_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI

NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
# Only these files, by name: the view never builds a path from the request.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"})


class LocalSwagger(Swagger):
    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
            "asset_base": reverse(f"{api.urls_namespace}:docs_asset", args=["_"])[:-1],
        }
        return render(request, self.template, context)


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404("no such file")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=content_type)
    # The files change only when ninja is upgraded; a day of caching is plenty.
    patch_cache_control(response, public=True, max_age=86400)
    return response
