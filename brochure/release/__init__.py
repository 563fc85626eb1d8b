"""The last stage: plan the jobs, print each document once, write it atomically, record it."""
