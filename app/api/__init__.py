"""The web edge: schemas, routes and streaming around the engine."""
