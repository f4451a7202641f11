"""The story desk: processed articles filed into stories, each story with a brief drawn from all its outlets
and the facts where the outlets disagree."""
