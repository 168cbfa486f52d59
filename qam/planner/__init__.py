"""The programme planner: the SME pool, candidate reviews, the CP-SAT schedule and its exports."""
