"""The HTTP layer: the app factory (`app.create_app`), thin routers, middlewares and error rendering."""
