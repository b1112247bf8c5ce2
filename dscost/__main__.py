from dscost.cli import main

main()
