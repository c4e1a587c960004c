"""Renderers: Word (docxtpl) and Excel (openpyxl) from the plain template context. They never parse inputs."""
