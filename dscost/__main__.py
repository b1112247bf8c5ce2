from dscost.cli import main

if __name__ == "__main__":  # a multiprocessing child imports this module without running the CLI
    main()
