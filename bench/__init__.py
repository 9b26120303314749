"""Benchmarks: they print figures and ratios; they are not tests.

``python -m bench`` runs them all (``make bench``). Times on a shared machine drift from run
to run, so each benchmark also measures a reference in the same run and reports ratios to it:
the ratios are what to compare between runs and machines.
"""
