from kai_local.cli import main

raise SystemExit(main())
