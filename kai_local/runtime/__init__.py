"""Runtime resources shared by the routes and the engines: the GPU semaphore, the CPU thread
pool, the parse worker processes and the Services container that holds them. Engines depend on
this package and the catalog, never on the gateway."""
