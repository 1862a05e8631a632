"""The web console for clinic staff at /ui/: one page and its plain-JavaScript assets, all
served from the package (nothing from outside). Its scripts call the public API with the key
the user pastes, so products, permissions, limits and usage apply as for any other client."""

from kai_local.console.routes import ConsoleHeaders, console_routes

__all__ = ["ConsoleHeaders", "console_routes"]
