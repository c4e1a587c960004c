"""The shared vocabulary every layer uses: periods, areas, statuses, the observations table, Danish text.

Nothing here reads files, knows the plan or renders documents.
"""
