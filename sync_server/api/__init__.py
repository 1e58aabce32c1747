"""HTTP plumbing shared by every domain: server state, error answers."""
