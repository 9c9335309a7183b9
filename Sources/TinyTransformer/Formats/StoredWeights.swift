import Foundation
import KVTrace

/// A decoder-only model's weights as a model file stores them: matrices read in place, in
/// their own number format; norms and biases widened once to `Float`.
///
/// Nothing the size of the model is copied. The files' bytes are held as read, and every
/// forward pass pins them (``withTensors(_:)``) and hands the products ``WeightMatrix``
/// views of them, so SmolLM2's 98 MB of 4-bit blocks stay 98 MB. Only the vectors (norms,
/// Qwen2's biases: about 0.03% of a model) are widened, so the forward pass reads them as
/// plain `Float`s whatever the file stored.
struct StoredWeights: Sendable {
  /// One layer's tensors: matrices in the files, vectors as offsets into ``vectors``.
  struct Layer: Sendable {
    var attentionNorm: Int
    var query, key, value, output: StoredTensor
    var biases: (q: Int, k: Int, v: Int)?
    var feedForwardNorm: Int
    var gate, up, down: StoredTensor
  }

  /// The files' bytes, as read.
  let files: [Data]
  /// Every norm and bias, widened to `Float`, back to back.
  let vectors: [Float]
  let tokenEmbedding: StoredTensor  // [vocab, dim]
  let classifier: StoredTensor  // [vocab, dim]; the embedding itself when tied
  let finalNorm: Int
  let layers: [Layer]

  /// Collects the tensors of a model of shape `c` from `files`, checking each one's shape.
  ///
  /// - Parameters:
  ///   - files: The files' bytes (one, or a sharded folder's shards).
  ///   - c: The shape the file's metadata describes.
  ///   - tied: Whether the classifier is the token embedding (no classifier tensor).
  ///   - biases: Whether q, k and v have biases (Qwen2).
  ///   - file: The name errors give.
  ///   - lookup: The tensor of a name, `nil` when the file lacks it.
  /// - Throws: ``ModelFileError`` for a missing tensor or one of the wrong shape.
  init(
    files: [Data], config c: ModelConfig, tied: Bool, biases: Bool, file: String,
    lookup: (DecoderTensorName) throws(ModelFileError) -> StoredTensor?
  ) throws(ModelFileError) {
    var vectors: [Float] = []
    func tensor(_ name: DecoderTensorName, _ rows: Int, _ columns: Int) throws(ModelFileError)
      -> StoredTensor
    {
      guard let t = try lookup(name) else {
        throw ModelFileError(file, "has no tensor for \(name); it is not a complete Llama model")
      }
      guard t.rows == rows, t.columns == columns, t.file < files.count,
        t.encoding.isSupported, t.encoding.rowByteCount(columns: columns) != nil,
        t.offset >= 0, t.offset + t.byteCount <= files[t.file].count
      else {
        throw ModelFileError(
          file,
          "tensor \(name) is [\(t.rows), \(t.columns)], expected [\(rows), \(columns)] "
            + "within the file; the file does not match its own metadata")
      }
      return t
    }
    func vector(_ name: DecoderTensorName, _ count: Int) throws(ModelFileError) -> Int {
      let t = try tensor(name, 1, count)
      let start = vectors.count
      vectors += [Float](repeating: 0, count: count)
      files[t.file].withUnsafeBytes { raw in
        vectors.withUnsafeMutableBufferPointer { out in
          // In bounds: tensor(_:_:_:) checked the span against the file.
          t.encoding.dequantizeRow(
            raw.baseAddress! + t.offset, into: out.baseAddress! + start, count: count)
        }
      }
      return start
    }
    let (dim, kv, mlp) = (c.dim, c.kvDim, c.mlpDim)
    var layers: [Layer] = []
    for l in 0..<c.layers {
      layers.append(
        Layer(
          attentionNorm: try vector(.attentionNorm(l), dim),
          query: try tensor(.query(l), c.attentionDim, dim),
          key: try tensor(.key(l), kv, dim), value: try tensor(.value(l), kv, dim),
          output: try tensor(.output(l), dim, c.attentionDim),
          biases: biases
            ? (
              try vector(.queryBias(l), c.attentionDim), try vector(.keyBias(l), kv),
              try vector(.valueBias(l), kv)
            ) : nil,
          feedForwardNorm: try vector(.feedForwardNorm(l), dim),
          gate: try tensor(.gate(l), mlp, dim), up: try tensor(.up(l), mlp, dim),
          down: try tensor(.down(l), dim, mlp)))
    }
    tokenEmbedding = try tensor(.tokenEmbedding, c.vocabularySize, dim)
    classifier = tied ? tokenEmbedding : try tensor(.classifier, c.vocabularySize, dim)
    finalNorm = try vector(.finalNorm, dim)
    self.layers = layers
    self.vectors = vectors
    self.files = files
  }

  /// How many parameters: every matrix and vector, a tied classifier once.
  var parameterCount: Int {
    let matrices = layers.reduce(0) { sum, l in
      sum
        + [l.query, l.key, l.value, l.output, l.gate, l.up, l.down].reduce(0) {
          $0 + $1.rows * $1.columns
        }
    }
    let untied = classifier == tokenEmbedding ? 0 : classifier.rows * classifier.columns
    return matrices + tokenEmbedding.rows * tokenEmbedding.columns + untied + vectors.count
  }

  /// The bytes one decode step reads: every layer's matrices as stored, the classifier as
  /// stored, and the vectors as `Float`s.
  var bytesPerToken: Int {
    let matrices = layers.reduce(0) { sum, l in
      sum
        + [l.query, l.key, l.value, l.output, l.gate, l.up, l.down].reduce(0) {
          $0 + $1.byteCount
        }
    }
    return matrices + classifier.byteCount + vectors.count * MemoryLayout<Float>.size
  }

  /// The number formats of the matrices, most bytes first, as a summary prints them
  /// (`Q4_1 ×210, Q8_0 ×1`).
  var encodings: [(GGMLType, Int)] {
    var counts: [String: (GGMLType, Int)] = [:]
    let all = layers.flatMap { [$0.query, $0.key, $0.value, $0.output, $0.gate, $0.up, $0.down] }
    for t in all + [tokenEmbedding] + (classifier == tokenEmbedding ? [] : [classifier]) {
      counts[t.encoding.description, default: (t.encoding, 0)].1 += 1
    }
    return counts.values.sorted { ($0.1, $0.0.description) > ($1.1, $1.0.description) }
  }

  /// Runs `body` with every tensor, the files' bytes pinned for the call.
  func withTensors<Result>(_ body: (DecoderTensors) -> Result) -> Result {
    Self.pinning(files[...], bases: []) { bases in
      vectors.withUnsafeBufferPointer { v in
        // Both have elements: a model has at least one layer and one file.
        let floats = v.baseAddress!
        func matrix(_ t: StoredTensor) -> WeightMatrix {
          WeightMatrix(
            base: bases[t.file] + t.offset, encoding: t.encoding, rows: t.rows, columns: t.columns)
        }
        let layers = self.layers.map { l in
          DecoderTensors.Layer(
            attention: LayerBlocks.AttentionTensors(
              norm: floats + l.attentionNorm, wq: matrix(l.query), wk: matrix(l.key),
              wv: matrix(l.value), wo: matrix(l.output),
              biases: l.biases.map { (floats + $0.q, floats + $0.k, floats + $0.v) }),
            feedForward: LayerBlocks.FeedForwardTensors(
              norm: floats + l.feedForwardNorm, w1: matrix(l.gate), w2: matrix(l.down),
              w3: matrix(l.up)))
        }
        return body(
          DecoderTensors(
            tokenEmbedding: matrix(tokenEmbedding), layers: layers, finalNorm: floats + finalNorm,
            classifier: matrix(classifier)))
      }
    }
  }

  /// Pins every file's bytes, one inside the other, and calls `body` with their addresses.
  private static func pinning<Result>(
    _ files: ArraySlice<Data>, bases: [UnsafeRawPointer],
    _ body: ([UnsafeRawPointer]) -> Result
  ) -> Result {
    guard let first = files.first else { return body(bases) }
    return first.withUnsafeBytes { raw in
      // A file with tensors is never empty, so it has an address.
      pinning(files.dropFirst(), bases: bases + [raw.baseAddress!], body)
    }
  }
}
