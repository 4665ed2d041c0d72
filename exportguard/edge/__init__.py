"""The HTTP edge shared by the REST API (``exportguard.api``) and the web pages
(``exportguard.web``): who the caller is (``auth``), how errors become statuses and bodies
(``errors``), what a request body may be (``limits``), and what runs around every request
(``middleware``). Above the use cases (``services``), below the app that composes the API
and the pages (``exportguard.api.create_app``).
"""
