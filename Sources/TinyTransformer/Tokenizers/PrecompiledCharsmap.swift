/// SentencePiece's precompiled normalization map: a trie from UTF-8 byte strings to their
/// normalized replacements.
///
/// Rules such as NFKC ("ﬁ" → "fi", "Ａ" → "A") are compiled by sentencepiece's trainer into
/// one blob: a little-endian `UInt32` size, a Darts-clone *double-array trie* of that many
/// bytes, then a pool of NUL-terminated replacement strings. A double array stores a trie in
/// one array of 32-bit units: from the unit at `node`, the child for byte `c` is at
/// `node ^ offset ^ c`, and it really is a child only if its stored label equals `c`. A node
/// that ends a key has a leaf whose value is the offset of the replacement in the pool.
///
/// The blob comes from the file, so it is checked once, as sentencepiece's own `validate`
/// does: every child a unit can point to lies inside the array, every value inside the pool,
/// and the pool ends with a NUL. After that no walk can leave the arrays.
struct PrecompiledCharsmap: Sendable, Equatable {
  /// The double array, one unit per entry.
  let units: [UInt32]
  /// The replacement strings, each ending with a NUL byte.
  let pool: [UInt8]

  /// Decodes and checks a `precompiled_charsmap` blob.
  init(_ blob: [UInt8]) throws(TokenizerFileProblem) {
    guard blob.count > 4 else {
      throw .invalidCharsmap("it has \(blob.count) bytes, too few for its 4-byte header")
    }
    let trieSize = (0..<4).reduce(0) { $0 | Int(blob[$1]) << (8 * $1) }
    guard trieSize < blob.count - 4 else {
      throw .invalidCharsmap("its trie claims \(trieSize) of the \(blob.count - 4) bytes left")
    }
    guard trieSize >= 1024, trieSize % 1024 == 0 else {
      throw .invalidCharsmap("its trie size \(trieSize) is not a positive multiple of 1024")
    }
    units = stride(from: 4, to: 4 + trieSize, by: 4).map { start in
      (0..<4).reduce(UInt32(0)) { $0 | UInt32(blob[start + $1]) << UInt32(8 * $1) }
    }
    pool = Array(blob[(4 + trieSize)...])
    guard pool.last == 0 else {
      throw .invalidCharsmap("its replacement strings do not end with a NUL byte")
    }
    try validate()
  }

  /// The checks of Darts-clone's `validate`: no unit points outside the array or the pool.
  private func validate() throws(TokenizerFileProblem) {
    let size = units.count
    let root = units[0]
    guard Self.label(root) == 0, !Self.hasLeaf(root), Self.offset(root) != 0,
      Int(Self.offset(root)) | 0xFF < size
    else { throw .invalidCharsmap("its trie root is malformed") }
    for index in 1..<size {
      let unit = units[index]
      if Self.label(unit) <= 0xFF {
        let child = (UInt32(index) ^ Self.offset(unit)) | 0xFF
        guard Int(child) < size else {
          throw .invalidCharsmap("trie unit \(index) points to \(child), outside its \(size)")
        }
        if Self.hasLeaf(unit) && Self.label(units[index ^ Int(Self.offset(unit))]) <= 0xFF {
          throw .invalidCharsmap("trie unit \(index) has a leaf that is not a value")
        }
      } else if Int(Self.value(unit)) >= pool.count {
        throw .invalidCharsmap(
          "trie unit \(index) points to string \(Self.value(unit)) of \(pool.count)")
      }
    }
  }

  /// Calls `body(length, replacement)` for every key that is a prefix of `bytes[start...]`,
  /// shortest first, as Darts-clone's `commonPrefixSearch` finds them.
  func forEachPrefix(
    of bytes: [UInt8], from start: Int, _ body: (Int, Range<Int>) -> Void
  ) {
    var node = Int(Self.offset(units[0]))
    var index = start
    while index < bytes.count {
      let byte = bytes[index]
      node ^= Int(byte)
      guard node < units.count else { return }
      let unit = units[node]
      guard Self.label(unit) == UInt32(byte) else { return }
      node ^= Int(Self.offset(unit))
      index += 1
      guard node < units.count else { return }
      if Self.hasLeaf(unit) {
        body(index - start, replacement(at: Int(Self.value(units[node]))))
      }
    }
  }

  /// The NUL-terminated replacement starting at `offset` of the pool (empty if outside).
  func replacement(at offset: Int) -> Range<Int> {
    guard offset < pool.count else { return 0..<0 }
    var end = offset
    while end < pool.count && pool[end] != 0 { end += 1 }
    return offset..<end
  }

  // A unit's fields, as Darts-clone packs them.
  static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
  static func value(_ unit: UInt32) -> UInt32 { unit & 0x7FFF_FFFF }
  static func label(_ unit: UInt32) -> UInt32 { unit & 0x8000_00FF }
  static func offset(_ unit: UInt32) -> UInt32 { (unit >> 10) << ((unit & (1 << 9)) >> 6) }
}
