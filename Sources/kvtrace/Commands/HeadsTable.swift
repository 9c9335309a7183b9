import KVTrace

/// The text `kvtrace heads` prints: what ran, a row per layer and head with its four
/// scores and its role, what the columns mean, and the best head of each role.
enum HeadsTable {
  /// The columns, in ``HeadRole/allCases`` order.
  static let columns = ["previous", "duplicate", "induction", "first"]

  /// The whole table, ending in a newline.
  static func render(_ roles: HeadRoles, header: TraceHeader, input: String) -> String {
    let m = header.model
    var lines = [
      "kvtrace heads: what each attention head does, measured from its attention weights",
      "model    \(m.layers) layers × \(m.heads) heads (\(m.kvHeads) KV), head size \(m.headSize); "
        + "weights \(header.weights)",
      "cache    \(header.policy.name)",
      "input    \(input)",
      "",
      "layer  head  " + columns.map { pad($0, 9) }.joined(separator: "  ") + "  role",
    ]
    for layer in 0..<roles.layers {
      for head in 0..<roles.heads {
        let scores = HeadRole.allCases.map { role in
          pad(roles.score(role, layer: layer, head: head).map(fixed) ?? "-", 9)
        }
        let role = roles.role(layer: layer, head: head)?.rawValue ?? ""
        let row = pad("\(layer)", 5) + "  " + pad("\(head)", 4) + "  "
        lines.append((row + scores.joined(separator: "  ") + "  " + role).trimmingTrailingSpaces)
      }
    }
    lines += [
      "",
      "previous: the token before the query; duplicate: an earlier copy of the query's token;",
      "induction: the token after an earlier copy; first: position 0, an attention sink.",
      "A score is the mean share of attention a head puts there, over the queries that have",
      "such a position (-: none had). A role is named at \(fixed(HeadRoles.threshold)) or more, "
        + "over \(HeadRoles.minimumQueries) queries or more.",
    ]
    lines += best(roles).enumerated().map {
      ($0.offset == 0 ? "best     " : "         ") + $0.element
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// "previous-token   0.91  layer 0 head 2": the top head of each role, a line each.
  static func best(_ roles: HeadRoles) -> [String] {
    HeadRole.allCases.map { role in
      var top: (score: Double, layer: Int, head: Int)?
      for layer in 0..<roles.layers {
        for head in 0..<roles.heads {
          guard let score = roles.score(role, layer: layer, head: head),
            score > top?.score ?? -1
          else { continue }
          top = (score, layer, head)
        }
      }
      let name = role.rawValue + String(repeating: " ", count: max(0, 16 - role.rawValue.count))
      guard let top else { return name + "-" }
      return name + "\(fixed(top.score))  layer \(top.layer) head \(top.head)"
    }
  }

  /// `value` in 0...1 with two decimals: "0.93".
  static func fixed(_ value: Double) -> String {
    let hundredths = Int((min(max(value, 0), 1) * 100).rounded())
    return "\(hundredths / 100)." + (hundredths % 100 < 10 ? "0" : "") + "\(hundredths % 100)"
  }

  /// `text` right-aligned in `width` columns.
  static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }
}

extension String {
  fileprivate var trimmingTrailingSpaces: String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
