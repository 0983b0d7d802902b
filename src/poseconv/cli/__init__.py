"""The ``poseconv`` command line: one module per command, each a thin layer over the library.

Run ``poseconv --help`` (or ``python -m poseconv.cli --help``). Importing this
package imports nothing heavy; each command imports what it needs when it runs.
"""
