"""Side-by-side benchmarks of wirebrief against what users write by hand (see docs/PERFORMANCE.md)."""
