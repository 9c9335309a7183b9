import TinyTransformer

/// A trainer's working memory: one pass and one gradient buffer per example of a batch.
///
/// Example `i` of a batch is computed by one thread, with `passes[i]`, into its own gradient
/// buffer; ``summedGradient(sequences:threads:)`` then adds the buffers in example order,
/// element by element. Which thread computed which example changes nothing, which is what
/// makes training bit-reproducible for any thread count. Both trainers use it: the decoder's
/// (`Pass` a ``SequencePass``) and the encoder-decoder's (a ``T5Pass``).
final class TrainingWorkspace<Pass>: @unchecked Sendable {
  // @unchecked: during a step, thread k touches only passes[i], results[i] and gradient(i)
  // of the examples i of its band; the caller reads them after every band has finished.
  let parameterCount: Int
  private let makePass: (Int) -> Pass
  private(set) var passes: [Pass] = []
  private var passShape: Int?
  /// Each example's summed loss and correct count (a buffer, not an array: threads write
  /// its elements at the same time).
  private(set) var results = UnsafeMutablePointer<(loss: Double, correct: Int)>.allocate(
    capacity: 0)
  private var gradients: UnsafeMutablePointer<Float>?
  private var gradientCount = 0

  /// A workspace for a model of `parameters` numbers whose passes `makePass` builds for a
  /// shape (the decoder's sequence length; the encoder-decoder ignores it).
  init(parameters: Int, makePass: @escaping (Int) -> Pass) {
    parameterCount = parameters
    self.makePass = makePass
  }

  deinit {
    gradients?.deallocate()
    results.deallocate()
  }

  /// Makes room for `examples` examples of `shape`, zeroing the gradients.
  func prepare(sequences examples: Int, shape: Int, gradients wanted: Bool) {
    if passes.count < examples || passShape != shape {
      passes = (0..<examples).map { _ in makePass(shape) }
      passShape = shape
    }
    results.deallocate()
    results = .allocate(capacity: examples)
    results.initialize(repeating: (0, 0), count: examples)
    guard wanted else { return }
    if gradientCount < examples * parameterCount {
      gradients?.deallocate()
      gradientCount = examples * parameterCount
      gradients = .allocate(capacity: gradientCount)
    }
    gradients!.initialize(repeating: 0, count: examples * parameterCount)
  }

  /// Runs example `i` of `0..<examples` as `body(i, passes[i], its gradient buffer or nil)`
  /// on up to `threads` threads, and returns the examples' summed loss and correct count
  /// and, when `withGradient`, their summed gradient.
  func run(
    examples: Int, shape: Int, threads: Int, withGradient: Bool,
    _ body: (Int, Pass, UnsafeMutablePointer<Float>?) -> (loss: Double, correct: Int)
  ) -> (loss: Double, correct: Int, gradient: [Float]) {
    prepare(sequences: examples, shape: shape, gradients: withGradient)
    Parallel.forEachBand(rows: examples, work: Int.max, threads: threads) { band in
      for i in band {
        results[i] = body(i, passes[i], withGradient ? gradient(i) : nil)
      }
    }
    let all = UnsafeBufferPointer(start: results, count: examples)
    let loss = all.reduce(0.0) { $0 + $1.loss }
    let correct = all.reduce(0) { $0 + $1.correct }
    let summed = withGradient ? summedGradient(sequences: examples, threads: threads) : []
    return (loss, correct, summed)
  }

  /// Example `i`'s gradient buffer.
  func gradient(_ i: Int) -> UnsafeMutablePointer<Float> { gradients! + i * parameterCount }

  /// The sum of the first `examples` gradient buffers, in example order for every element;
  /// fixed chunks of elements are shared among threads.
  func summedGradient(sequences examples: Int, threads: Int) -> [Float] {
    var sum = [Float](repeating: 0, count: parameterCount)
    let (count, chunks) = (parameterCount, 64)
    let source = gradients!
    sum.withUnsafeMutableBufferPointer { out in
      let target = out.baseAddress!
      Parallel.forEachBand(rows: chunks, work: count * examples, threads: threads) { band in
        for chunk in band {
          for i in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
            var total: Float = 0
            for s in 0..<examples { total += source[s * count + i] }
            target[i] = total
          }
        }
      }
    }
    return sum
  }
}
