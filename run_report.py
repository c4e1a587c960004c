"""Shim: `python run_report.py ...` behaves exactly like `reportgen ...`."""

from reportgen.cli import main

if __name__ == "__main__":
    main()
