"""What a revision changes: diffs, their impact and reasons, drafts and redlines.

diff (the typed Diff) ← differ (node by node) ← matching (pairing texts) and
changes (a Change, how a node reads); reasons (can anyone gain or lose by a
change); flips (who flips, through KnowledgeBase.check) and impact (a whole
population, vectorized); markdown and redline (the diff for people); drafting
(regkb draft)."""
