// Decoding the events of the cache policies that write their own: a paged cache's
// blocks and an int8 cache's quantization.

extension TraceAssembler {
  func blocks(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> BlocksEvent {
    let step = try sameStep(o, s)
    let blockSize = try o.int(
      "blockSize", in: 1...max(1, model.contextLength),
      "a block holds 1 to \(model.contextLength) positions (the context)")
    let capacity = try o.int("capacity", in: 1...Int.max, "a pool has at least one block")
    let inUse = try o.int(
      "blocksInUse", in: 0...capacity, "the pool has \(capacity) blocks")
    let needed = (s.sequenceLength + blockSize - 1) / blockSize
    let table = try blockIDs("table", o, capacity: capacity)
    guard table.count == needed else {
      throw TraceProblem(
        .outOfRange, at: try o.required("table").offset, o.path + ".table",
        "the table has \(table.count) blocks, but \(s.sequenceLength) positions in blocks of "
          + "\(blockSize) take \(needed)")
    }
    guard Set(table).count == table.count, table.count <= inUse else {
      throw TraceProblem(
        .outOfRange, at: try o.required("table").offset, o.path + ".table",
        "a physical block appears twice, or more than the \(inUse) blocks in use; each logical "
          + "block has its own physical block")
    }
    let allocated = try blockIDs("allocated", o, capacity: capacity)
    if let stray = allocated.first(where: { !table.contains($0) }) {
      throw TraceProblem(
        .outOfRange, at: try o.required("allocated").offset, o.path + ".allocated",
        "block \(stray) was allocated but is not in the table; a step allocates blocks for its "
          + "own positions")
    }
    let references = try blockReferences(o, count: table.count)
    let copy = try blockCopy(o, allocated: allocated, capacity: capacity, blockSize: blockSize)
    return BlocksEvent(
      step: step, sequence: s.sequence, blockSize: blockSize, table: table, allocated: allocated,
      blocksInUse: inUse, capacity: capacity, references: references, copy: copy)
  }

  /// How many sequences hold each block of the table: 1, or 2 for a shared prefix.
  private func blockReferences(_ o: ObjectReader, count: Int) throws(TraceProblem) -> [Int] {
    let elements = try o.array("references")
    guard elements.count == count else {
      throw TraceProblem(
        .outOfRange, at: try o.required("references").offset, o.path + ".references",
        "\(elements.count) reference counts for \(count) blocks; there is one per block")
    }
    var counts: [Int] = []
    for (index, element) in elements.enumerated() {
      let path = "\(o.path).references[\(index)]"
      let value = try JSONDecoding.int(element, path, o.bytes)
      guard (1...header.sequenceCount).contains(value) else {
        throw TraceProblem(
          .outOfRange, at: element.offset, path,
          "reference count \(value) is out of range: a block is held by 1 to "
            + "\(header.sequenceCount) sequences")
      }
      counts.append(value)
    }
    return counts
  }

  /// The copy on write of this step, if any: `{"from", "to", "positions": [start, end]}`.
  private func blockCopy(_ o: ObjectReader, allocated: [Int], capacity: Int, blockSize: Int)
    throws(TraceProblem) -> BlockCopy?
  {
    guard o.optional("copy") != nil else { return nil }
    let c = try o.object("copy", allowed: ["from", "to", "positions"])
    let from = try c.int("from", in: 0...(capacity - 1), "the pool has \(capacity) blocks")
    let to = try c.int("to", in: 0...(capacity - 1), "the pool has \(capacity) blocks")
    let pair = try c.array("positions")
    guard pair.count == 2, from != to, allocated.contains(to) else {
      throw TraceProblem(
        .outOfRange, at: try o.required("copy").offset, o.path + ".copy",
        "a copy goes from one block to another allocated at this step, over positions "
          + "[start, end]")
    }
    let start = try JSONDecoding.int(pair[0], c.path + ".positions[0]", o.bytes)
    let end = try JSONDecoding.int(pair[1], c.path + ".positions[1]", o.bytes)
    guard 0 <= start, start < end, end - start <= blockSize else {
      throw TraceProblem(
        .outOfRange, at: pair[0].offset, c.path + ".positions",
        "positions [\(start), \(end)] must be a non-empty run within one block of \(blockSize)")
    }
    return BlockCopy(from: from, to: to, positions: start..<end)
  }

  /// An array of physical block ids, each below the pool's `capacity`.
  private func blockIDs(_ key: String, _ o: ObjectReader, capacity: Int) throws(TraceProblem)
    -> [Int]
  {
    var ids: [Int] = []
    for (index, element) in try o.array(key).enumerated() {
      let id = try JSONDecoding.int(element, "\(o.path).\(key)[\(index)]", o.bytes)
      guard (0..<capacity).contains(id) else {
        throw TraceProblem(
          .outOfRange, at: element.offset, "\(o.path).\(key)[\(index)]",
          "block \(id) is out of range: the pool has blocks 0 to \(capacity - 1)")
      }
      ids.append(id)
    }
    return ids
  }

  func quantization(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> QuantizationEvent {
    let step = try sameStep(o, s)
    guard header.policy.kind == .int8 else {
      throw TraceProblem(
        .outOfRange, at: try o.required("type").offset, o.path,
        "a quantization event in a trace of cache \(header.policy.name); only an int8 cache "
          + "rounds its rows")
    }
    var event = QuantizationEvent(
      step: step, layer: try layer(o),
      kvHead: try o.int(
        "kvHead", in: 0...(model.kvHeads - 1), "the model has \(model.kvHeads) KV heads"),
      positions: try o.positions(
        "positions", below: s.sequenceLength,
        "step \(s.step)'s sequence has \(s.sequenceLength) positions"))
    event.keyScales = try perRow("keyScales", o, event.positions)
    event.keyErrors = try perRow("keyErrors", o, event.positions, scales: event.keyScales)
    event.valueScales = try perRow("valueScales", o, event.positions)
    event.valueErrors = try perRow("valueErrors", o, event.positions, scales: event.valueScales)
    try int8Vectors(o, rows: event.positions.count, into: &event)
    return event
  }

  /// Scales or errors: one number per row, none negative; an error is at most
  /// half its row's scale (with room for float rounding), since a value is rounded
  /// to the nearest step.
  private func perRow(
    _ key: String, _ o: ObjectReader, _ positions: PositionSet, scales: [Float]? = nil
  ) throws(TraceProblem) -> [Float] {
    let numbers = try o.floats(key)
    guard numbers.count == positions.count else {
      throw TraceProblem(
        .outOfRange, at: try o.required(key).offset, o.path + "." + key,
        "\(numbers.count) \(key) for \(positions.count) "
          + "\(positions.count == 1 ? "row" : "rows"); there is one per row in positions")
    }
    let elements = try o.array(key)
    for (index, number) in numbers.enumerated() {
      guard number >= 0 else {
        throw TraceProblem(
          .outOfRange, at: elements[index].offset, "\(o.path).\(key)[\(index)]",
          "\(key) \(number) is negative; scales and rounding errors are magnitudes")
      }
      if let scales, number > scales[index] * 0.5001 {
        throw TraceProblem(
          .outOfRange, at: elements[index].offset, "\(o.path).\(key)[\(index)]",
          "error \(number) is more than half the row's scale \(scales[index]); rounding to "
            + "the nearest int8 step is off by at most half a step")
      }
    }
    return numbers
  }
}
