from kai_local.cli import main

# Guarded: the parse workers' fork server imports the main module of the server process.
if __name__ == "__main__":
    raise SystemExit(main())
