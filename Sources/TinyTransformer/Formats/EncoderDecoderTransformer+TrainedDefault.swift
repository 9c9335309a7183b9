import Foundation
import KVTrace

extension EncoderDecoderTransformer {
  /// The recipe and steps the shipped T5 was trained with, as its trace header names them.
  static let trainedDefaultName = "recipe summarizer, 1000 steps"

  /// The encoder-decoder kvtrace runs by default: a tiny T5 v1.0 (2 + 2 layers, 4 heads,
  /// `d_model` 64) that `kvtrace train --arch encoder-decoder` trained to summarize in the
  /// seed sentence's style, shipped as a resource in the Hugging Face layout
  /// (`default-t5-config.json`, `default-t5.safetensors`) and read by the same loader as
  /// `--model FOLDER`, with the vocabulary ``Tokenizer/summaries``.
  ///
  /// Its summaries copy the subject and the fact of a sentence and drop the rest:
  /// `summarize: My friends are cool but they eat too many carbs.` gives "My friends eat too
  /// many carbs.", and its cross-attention reads the source word each step writes.
  ///
  /// ```swift
  /// let model = try EncoderDecoderTransformer.trainedDefault()
  /// ```
  ///
  /// - Parameter seed: The seed of sampling; greedy decoding ignores it.
  /// - Throws: ``ShippedModelError`` when the resource is missing or damaged.
  public static func trainedDefault(seed: UInt64 = 0) throws(ShippedModelError)
    -> EncoderDecoderTransformer
  {
    try ShippedModel.requireBundle()
    let json = try ShippedModel.read("default-t5-config", "json")
    let weights = try ShippedModel.read("default-t5", "safetensors")
    var model: EncoderDecoderTransformer
    do {
      model = try EncoderDecoderTransformer(
        huggingFace: try HuggingFaceConfig(json), weights: weights, tokenizer: .summaries,
        name: "default-t5", seed: seed)
    } catch {
      throw .damagedT5(error.description)
    }
    model.origin = WeightsOrigin(
      name: "trained by kvtrace train --arch encoder-decoder (\(trainedDefaultName))",
      identity: "trained default T5 (\(trainedDefaultName))", sha256: model.origin.sha256)
    return model
  }
}
