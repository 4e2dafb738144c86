"""The compare stage: align passages across articles, extract and group facts, cluster stories."""
