"""What a revision changes: diffs, their impact and reasons, drafts and redlines."""
