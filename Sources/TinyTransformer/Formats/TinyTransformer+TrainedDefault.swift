import Foundation
import KVTrace

extension TinyTransformer {
  /// The model kvtrace runs by default: the demo shape, trained by kvtrace's own trainer.
  ///
  /// Its weights were learned by `kvtrace train` with the default recipe, on a corpus
  /// kvtrace writes itself, and ship with the package as a resource, so the model runs
  /// offline. Training is what gives attention its meaning: where ``demo(seed:)``'s random
  /// weights spread a query's attention evenly and arbitrarily, a trained head looks back at
  /// the row it needs (the previous token, or the word that followed an earlier copy of this
  /// one), which is why the cache must keep those rows.
  ///
  /// The trace header names the training (`trained by kvtrace train (recipe default, 10000
  /// steps, validation loss 1.48)`), read from the provenance shipped beside the weights.
  /// Each call reads the weights again (a few hundred kilobytes); keep the model to reuse it.
  ///
  /// ```swift
  /// let model = try TinyTransformer.trainedDefault()
  /// let run = try model.generate(prompt: "The quick brown fox", steps: 6)
  /// ```
  ///
  /// - Parameter seed: The seed of sampling; the weights are fixed, and greedy decoding
  ///   (the default) ignores it.
  /// - Throws: ``ShippedModelError`` when the resource is missing or damaged: one line
  ///   naming the problem and its fix. It never stops the process.
  public static func trainedDefault(seed: UInt64 = 0) throws(ShippedModelError)
    -> TinyTransformer
  {
    let files = try ShippedModel.files()
    return try trainedDefault(
      checkpoint: files.checkpoint, provenance: files.provenance, seed: seed)
  }

  /// The trained model from the two files' bytes, checked: the checkpoint as any llama2.c
  /// file, its shape against the demo shape, the provenance field by field.
  static func trainedDefault(checkpoint: Data, provenance: Data, seed: UInt64)
    throws(ShippedModelError) -> TinyTransformer
  {
    let source: ShippedModelProvenance
    do {
      source = try JSONDecoder().decode(ShippedModelProvenance.self, from: provenance)
    } catch {
      throw .damagedProvenance(Self.problem(error))
    }
    let weights: Checkpoint
    do {
      weights = try Checkpoint(checkpoint)
    } catch {
      throw .damagedCheckpoint(error)
    }
    let expected = ModelConfig.demo(vocabularySize: Tokenizer.demo.vocabularySize)
    guard weights.config == expected, !weights.sharesClassifier else {
      throw .wrongShape(found: weights.config, expected: expected)
    }
    do {
      return try TinyTransformer(
        checkpoint: weights, tokenizer: .demo, weightsSource: source.weightsSource, seed: seed,
        weightsIdentity: (source.identityName, source.sha256))
    } catch {
      // Unreachable: the shape check above compared the vocabulary sizes already.
      throw .damagedCheckpoint(error)
    }
  }

  /// What the JSON decoder found wrong, in a few words.
  private static func problem(_ error: any Error) -> String {
    switch error as? DecodingError {
    case .keyNotFound(let key, _): "no field \(key.stringValue)"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      "field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
    case .dataCorrupted, .none: "not valid JSON"
    @unknown default: "not valid JSON"
    }
  }
}
