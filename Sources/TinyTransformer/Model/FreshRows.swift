import KVTrace

/// The K and V rows a step computed, as it computed them: what a `vectors`-detail
/// trace attaches to its rows events.
///
/// The cache is no place to read them from afterwards: an int8 cache keeps only the
/// rounded bytes, and a window may have evicted a prompt row within the very step that
/// computed it. So the forward pass copies each fresh row here the moment it is
/// projected (after RoPE, before it is stored), and only at `vectors` detail.
struct FreshRows {
  /// One layer's rows at one position, every KV head side by side: `[kvDim]` each.
  private var rows: [Int: (key: [Float], value: [Float])] = [:]  // by layer × 1<<32 + position

  /// Copies the rows `key` and `value` (`n` floats each) of `(layer, position)`.
  mutating func add(
    layer: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>, n: Int
  ) {
    rows[layer << 32 | position] = (
      Array(UnsafeBufferPointer(start: key, count: n)),
      Array(UnsafeBufferPointer(start: value, count: n))
    )
  }

  /// The fresh rows of `event`'s layer and KV head, `[fresh, headSize]` each in increasing
  /// position order, attached to it; left out when a row was not seen (never, when the
  /// forward pass recorded every position it ran).
  func attach(to event: inout RowsEvent, headSize: Int) {
    var keys: [Float] = []
    var values: [Float] = []
    let slice = event.kvHead * headSize..<(event.kvHead + 1) * headSize
    for position in event.fresh {
      guard let row = rows[event.layer << 32 | position] else { return }
      keys += row.key[slice]
      values += row.value[slice]
    }
    event.keys = keys
    event.values = values
  }

  /// ``attach(to:headSize:)`` for each of `events`.
  func attach(to events: inout [RowsEvent], headSize: Int) {
    for index in events.indices { attach(to: &events[index], headSize: headSize) }
  }
}
