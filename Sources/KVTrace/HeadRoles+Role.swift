/// One of the four jobs ``HeadRoles`` recognises in an attention head.
///
/// Each role is a pattern over (query, key) pairs, built from the token ids alone:
/// which earlier positions a head playing that role would read from the query `q`.
public enum HeadRole: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  /// Reads the position just before the query, `q - 1`.
  case previousToken = "previous-token"
  /// Reads earlier positions holding the same token as the query.
  case duplicateToken = "duplicate-token"
  /// Reads the position right after an earlier copy of the query's token: in
  /// `… A B … A`, the second `A` reads `B`.
  case induction
  /// Reads position 0, the first row of the cache (an attention sink).
  case firstPosition = "first-position"

  /// "an induction head", "a previous-token head": how a sentence names a head.
  public var headName: String {
    switch self {
    case .previousToken: "a previous-token head"
    case .duplicateToken: "a duplicate-token head"
    case .induction: "an induction head"
    case .firstPosition: "a first-position (sink) head"
    }
  }

  /// The pattern's positions for the query `q`, ascending: every key `k ≤ q` that
  /// ``targets(_:query:ids:)`` accepts. A query with none is not counted in the role's score.
  func positions(query q: Int, ids: [Int]) -> [Int] {
    q >= 0 && q < ids.count ? (0...q).filter { targets($0, query: q, ids: ids) } : []
  }

  /// Whether the key `k` is one of the pattern's positions for the query `q`, in a sequence
  /// of token ids `ids`: the key before the query, an earlier copy of the query's token, the
  /// key after such a copy, or position 0.
  public func targets(_ k: Int, query q: Int, ids: [Int]) -> Bool {
    guard k <= q, q < ids.count else { return false }
    switch self {
    case .previousToken: return k == q - 1
    case .duplicateToken: return k < q && ids[k] == ids[q]
    case .induction: return k >= 1 && k - 1 < q && ids[k - 1] == ids[q]
    case .firstPosition: return k == 0 && q >= 1
    }
  }
}
