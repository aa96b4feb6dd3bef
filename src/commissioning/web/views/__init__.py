"""The pages of the web app, one module per page."""

from commissioning.web.views.community import community, developments
from commissioning.web.views.development import development
from commissioning.web.views.home import home

__all__ = ["community", "development", "developments", "home"]
