"""``reportgen fetch``: indicator figures from Statistics Denmark's Statbank and STAR's Jobindsats, written as
long-layout files the indicator reader reads unchanged, each with its source stamp and the raw answers.

``statbank`` and ``jobindsats`` know the two APIs, ``http`` sends and records the requests, ``writing`` writes the
files, ``settings`` is the ``[fetch]`` section of the config. ``run.fetch_all`` fetches every configured table on its
own: one that fails does not stop the others, and leaves its earlier file as it was. This package imports no other
module when imported, so ``config`` can import ``settings`` cheaply.
"""
