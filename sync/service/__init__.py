"""Running unattended: the scheduler, the run lock and the run history."""
