"""agentowners: one agent per branch, every agent commit tagged, every diff in scope."""
