"""``python -m poseconv.cli``: the same as the ``poseconv`` command."""

from poseconv.cli.main import main

main()
