// A copy of the `TrainingData` protocol from the helpers' brief, so that the corpus compiles
// on its own branch. The trainer's branch declares the same protocol; keep one at the merge.

/// Where a trainer gets its batches: anything that can hand out token sequences.
public protocol TrainingData: Sendable {
  /// `size` token sequences of `length + 1` ids each, a pure function of (self, step).
  func batch(step: Int, size: Int, length: Int) -> [[Int]]
}
