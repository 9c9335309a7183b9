import KVTrace
import Testing
import TinyTransformer

/// M12 and M13: a grouped-query cache holds `kvHeads` rows per layer and position,
/// not `heads`, and its bytes follow 2 × layers × kvHeads × headSize × 4 × positions.
@Test(.tags(.unit), arguments: [(4, 4), (4, 2), (8, 2), (8, 1)])
func cacheBytesFollowTheFormulaExactly(heads: Int, kvHeads: Int) throws {
  let config = ModelConfig(
    layers: 3, heads: heads, kvHeads: kvHeads, dim: heads * 8, mlpDim: heads * 16,
    contextLength: 64, vocabularySize: Tokenizer.demo.vocabularySize)
  let model = try TinyTransformer(config: config, seed: 0)
  var log = TraceLog(detail: .summary)
  _ = try model.generate(prompt: "The quick brown fox", steps: 5, recorder: &log)
  let trace = try #require(log.trace)
  for record in trace.steps {
    let positions = record.began.sequenceLength
    let formula = 2 * config.layers * kvHeads * config.headSize * 4 * positions
    #expect(record.counters?.cacheBytes == formula, "step \(record.step)")
    #expect(record.rows.count == config.layers * kvHeads)  // one rows event per KV head
  }
  for attention in trace.steps[1].attention {  // a group of query heads reads one KV head
    #expect(attention.kvHead == attention.head / (heads / kvHeads))
  }
}
