"""`python -m agentowners`: for agents whose PATH lacks the scripts directory."""

from agentowners.cli import main

raise SystemExit(main())
