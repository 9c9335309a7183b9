import KVTrace

/// The positions a query reads in one layer: the first `count`, or, once a window
/// has left holes, a list.
enum HeldRows {
  /// Positions `0..<count`, every one held.
  case first(Int)
  /// These positions, in increasing order.
  case only([Int])
}

/// The cache's record of which step wrote each row: the one place that decides
/// whether a row is fresh, reused, evicted or shared.
///
/// Every (layer, position) row remembers the step that wrote it, or that none holds
/// it. The trace does not guess where a row came from: a row is *fresh* exactly when
/// this step wrote it, *reused* when an earlier step did, *evicted* when a policy
/// forgot it, and *shared* when another sequence computed it (a common prompt
/// prefix over paged blocks). Where the row's numbers live is the storage's business
/// (``KVStorage``); this ledger knows only who wrote what, and when.
struct RowLedger {
  /// Layers, and positions per layer.
  let layers: Int
  let capacity: Int
  /// KV heads: each layer's rows event is repeated for each.
  let kvHeads: Int
  private var writtenAt: [Int]  // [layers, capacity]: the step that wrote the row, or -1
  /// Per layer, how many positions from 0 are held, while ``contiguous``.
  private var heldPrefix: [Int]  // [layers]
  /// Whether every layer holds exactly the positions `0..<heldPrefix[layer]`: true
  /// until a row is evicted or written past a gap. Only a window evicts; without one,
  /// the keys a query reads are one range, found without scanning.
  private var contiguous = true
  /// One past the newest position ever written (evicted or not): where the next step starts.
  private(set) var extent = 0
  /// How many positions, from 0, this sequence holds but another one computed.
  private(set) var sharedPrefix = 0

  /// An empty ledger for `config.layers × config.contextLength` rows.
  init(config: ModelConfig) {
    layers = config.layers
    capacity = config.contextLength
    kvHeads = config.kvHeads
    writtenAt = Array(repeating: -1, count: config.layers * config.contextLength)
    heldPrefix = Array(repeating: 0, count: config.layers)
  }

  /// Notes that `step` wrote the row of `(layer, position)`.
  mutating func markWritten(layer: Int, position: Int, step: Int) {
    writtenAt[layer * capacity + position] = step
    extent = max(extent, position + 1)
    if position == heldPrefix[layer] {
      heldPrefix[layer] += 1
    } else if position > heldPrefix[layer] {
      contiguous = false  // a gap below this row
    }
  }

  /// Notes that positions `0..<length` are held in every layer without this
  /// sequence computing them: another sequence did.
  mutating func markShared(_ length: Int) {
    for layer in 0..<layers {
      for position in 0..<length { markWritten(layer: layer, position: position, step: 0) }
    }
    sharedPrefix = length
  }

  /// Forgets the rows of `positions` in every layer.
  mutating func evict(_ positions: Range<Int>) {
    for layer in 0..<layers {
      for position in positions {
        if writtenAt[layer * capacity + position] >= 0 { contiguous = false }
        writtenAt[layer * capacity + position] = -1
      }
    }
  }

  /// Forgets every row.
  mutating func removeAll() {
    evict(0..<capacity)
    extent = 0
    for layer in heldPrefix.indices { heldPrefix[layer] = 0 }
    contiguous = true  // empty: no holes
  }

  /// The step that wrote the row of `(layer, position)`, or `nil` if none is held.
  func step(wroteLayer layer: Int, position: Int) -> Int? {
    let step = writtenAt[layer * capacity + position]
    return step >= 0 ? step : nil
  }

  /// How many positions, from 0, hold a row in every layer.
  var length: Int {
    var length = 0
    while length < capacity, (0..<layers).allSatisfy({ writtenAt[$0 * capacity + length] >= 0 }) {
      length += 1
    }
    return length
  }

  /// How many (layer, position) rows are held.
  var rowsHeld: Int { writtenAt.reduce(0) { $1 >= 0 ? $0 + 1 : $0 } }

  /// The positions up to and including `position` that hold a row in `layer`: the
  /// keys a query at `position` reads. One range from 0 unless a window left holes,
  /// found then without scanning or allocating.
  func held(layer: Int, through position: Int) -> HeldRows {
    if contiguous { return .first(min(position + 1, heldPrefix[layer])) }
    let base = layer * capacity
    return .only((0...position).filter { writtenAt[base + $0] >= 0 })
  }

  /// How many of the positions up to and including `position` hold a row in `layer`.
  func heldCount(layer: Int, through position: Int) -> Int {
    switch held(layer: layer, through: position) {
    case .first(let count): count
    case .only(let positions): positions.count
    }
  }
}
