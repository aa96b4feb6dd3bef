from commissioning.cli import run

run()
