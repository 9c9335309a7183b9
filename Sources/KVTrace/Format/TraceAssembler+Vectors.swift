// Decoding the vectors a `vectors`-detail trace adds to its events: each field is
// refused at any other detail, and must have exactly the length its layout says.

extension TraceAssembler {
  /// The numbers at `key`, `count` of them: required at `vectors` detail when
  /// `required`, allowed only there, `nil` when absent.
  func vector(_ key: String, _ o: ObjectReader, count: Int, layout: String, required: Bool)
    throws(TraceProblem) -> [Float]?
  {
    guard let value = try vectorField(key, o, required: required) else { return nil }
    let numbers = try o.floats(key)
    try checkLength(numbers.count, count, key, value, o, layout)
    return numbers
  }

  /// The whole numbers at `key`, `count` of them, each in `range`; present as ``vector(_:_:count:layout:required:)``.
  func integers(
    _ key: String, _ o: ObjectReader, count: Int, in range: ClosedRange<Int>, layout: String,
    required: Bool
  ) throws(TraceProblem) -> [Int]? {
    guard let value = try vectorField(key, o, required: required) else { return nil }
    let elements = try o.array(key)
    try checkLength(elements.count, count, key, value, o, layout)
    var result: [Int] = []
    result.reserveCapacity(count)
    for (index, element) in elements.enumerated() {
      let number = try JSONDecoding.int(element, "\(o.path).\(key)[\(index)]", o.bytes)
      guard range.contains(number) else {
        throw TraceProblem(
          .outOfRange, at: element.offset, "\(o.path).\(key)[\(index)]",
          "\(key) holds \(number); it must lie in \(range.lowerBound)...\(range.upperBound)")
      }
      result.append(number)
    }
    return result
  }

  /// The field at `key` if the header's detail allows it; an error when it is there at
  /// another detail, or missing at `vectors` detail while `required`.
  private func vectorField(_ key: String, _ o: ObjectReader, required: Bool)
    throws(TraceProblem) -> JSONValue?
  {
    let value = o.optional(key)
    switch (header.detail.keepsVectors, value) {
    case (false, nil): return nil
    case (false, let value?):
      throw TraceProblem(
        .unknownField, at: value.offset, o.path + "." + key,
        "\(key) in a trace of detail \"\(header.detail.rawValue)\"; only detail \"vectors\" "
          + "keeps vectors")
    case (true, nil):
      guard required else { return nil }
      throw TraceProblem(
        .missingField, at: o.offset, o.path,
        "missing field '\(key)'; the header says detail \"vectors\", which keeps it")
    case (true, let value?): return value
    }
  }

  private func checkLength(
    _ found: Int, _ expected: Int, _ key: String, _ value: JSONValue, _ o: ObjectReader,
    _ layout: String
  ) throws(TraceProblem) {
    guard found == expected else {
      throw TraceProblem(
        .outOfRange, at: value.offset, o.path + "." + key,
        "\(key) holds \(found) numbers; it is \(layout), \(expected) numbers")
    }
  }

  /// A rows event's fresh key and value rows, `[fresh, headSize]` each, both or neither.
  func rowVectors(_ o: ObjectReader, fresh: Int) throws(TraceProblem) -> ([Float]?, [Float]?) {
    let layout = "[fresh positions (\(fresh)), headSize (\(model.headSize))]"
    let keys = try vector(
      "keys", o, count: fresh * model.headSize, layout: layout,
      required: o.optional("values") != nil)
    let values = try vector(
      "values", o, count: fresh * model.headSize, layout: layout, required: keys != nil)
    return (keys, values)
  }

  /// An attention event's q and output, `[headSize]` each, required at `vectors` detail.
  func queryVectors(_ o: ObjectReader) throws(TraceProblem) -> ([Float]?, [Float]?) {
    let layout = "[headSize (\(model.headSize))]"
    return (
      try vector("q", o, count: model.headSize, layout: layout, required: true),
      try vector("output", o, count: model.headSize, layout: layout, required: true)
    )
  }

  /// A token event's logits (required at `vectors` detail) and, when only the largest
  /// were kept, their token ids.
  func logitVectors(_ o: ObjectReader) throws(TraceProblem) -> ([Float]?, [Int]?) {
    let vocabulary = model.vocabularySize
    guard o.optional("logitTokens") != nil, header.detail.keepsVectors else {
      _ = try vector("logitTokens", o, count: 0, layout: "", required: false)  // refused or absent
      let all = "the whole vocabulary's logits in token-id order"
      return (try vector("logits", o, count: vocabulary, layout: all, required: true), nil)
    }
    let count = try o.array("logitTokens").count
    let top = "the top \(count) logits, largest first"
    let tokens = try integers(
      "logitTokens", o, count: count, in: 0...(vocabulary - 1), layout: top, required: true)
    return (try vector("logits", o, count: count, layout: top, required: true), tokens)
  }

  /// A quantization event's stored codes and read-back rows, `[positions, headSize]`
  /// each, all four or none.
  func int8Vectors(_ o: ObjectReader, rows: Int, into event: inout QuantizationEvent)
    throws(TraceProblem)
  {
    let count = rows * model.headSize
    let layout = "[positions (\(rows)), headSize (\(model.headSize))]"
    let any = ["keyCodes", "keysRead", "valueCodes", "valuesRead"].contains {
      o.optional($0) != nil
    }
    event.keyCodes = try integers(
      "keyCodes", o, count: count, in: -127...127, layout: layout, required: any
    )?.map { Int8($0) }
    event.keysRead = try vector("keysRead", o, count: count, layout: layout, required: any)
    event.valueCodes = try integers(
      "valueCodes", o, count: count, in: -127...127, layout: layout, required: any
    )?.map { Int8($0) }
    event.valuesRead = try vector("valuesRead", o, count: count, layout: layout, required: any)
  }
}
