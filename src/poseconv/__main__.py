"""``python -m poseconv``: the same as the ``poseconv`` command (useful where the script is not on PATH)."""

from poseconv.cli.main import main

main()
