import KVTrace
import Testing

@testable import KVTraceRender

/// A marker of rows left out says how many they are and how much of the drawn query's
/// weight they carry, in the width its table has.
@Suite(.tags(.unit)) struct GapMarkerTests {
  /// Ten rows; the query weighs rows 2 and 7 most, and 0.01 to 0.04 the others.
  static let weights: [Int: Double] = [
    0: 0.01, 1: 0.02, 2: 0.40, 3: 0.03, 4: 0.04, 5: 0.01, 6: 0.02, 7: 0.45, 8: 0.01, 9: 0.01,
  ]

  @Test func eachGapCountsItsRowsAndTheirWeight() {
    let rows = GridTable.Rows(length: 10, maxRows: 5, weights: Self.weights)
    #expect(rows.positions == [nil, 2, nil, 7, nil])
    #expect(rows.gap(at: 0) == GridTable.Rows.Gap(count: 2, weight: 0.01 + 0.02))
    let middle = rows.gap(at: 2)
    #expect(middle.count == 4)
    #expect(abs((middle.weight ?? 0) - 0.10) < 1e-12)
    let last = rows.gap(at: 4)
    #expect(last.count == 2)
    #expect(abs((last.weight ?? 0) - 0.02) < 1e-12)
    // Every row is drawn or counted by one marker, once.
    let counted = [0, 2, 4].map { rows.gap(at: $0).count }.reduce(0, +)
    #expect(counted + rows.positions.compactMap { $0 }.count == 10)
  }

  @Test func theMarkerSaysItInTheWidthItHas() {
    let rows = GridTable.Rows(length: 10, maxRows: 5, weights: Self.weights)
    func marker(
      width: Int, _ style: RenderStyle = .plain, gap: GridTable.Rows.Gap = rows.gap(at: 2)
    ) -> String {
      let table = GridTable(columns: [
        GridTable.Column(width: width - GridTable.prefixWidth, title: "", subtitle: "") { _ in "" }
      ])
      return table.elisionMarker(gap, style: style)
    }
    #expect(marker(width: 60) == "   ⋮  4 rows · 0.10 of the weight")
    #expect(marker(width: 30) == "   ⋮  4 rows · 0.10")
    #expect(marker(width: 18) == "   ⋮  4 rows")
    var ascii = RenderStyle.plain
    ascii.unicode = false
    #expect(marker(width: 60, ascii) == "   :  4 rows - 0.10 of the weight")
    for width in [18, 19, 30, 60] { #expect(TextLayout.width(marker(width: width)) <= width) }
    // A step without weights (summary detail) says only how many.
    let unweighted = GridTable.Rows(length: 10, maxRows: 5, weights: nil)
    #expect(unweighted.positions == [0, 1, nil, 8, 9])
    #expect(marker(width: 60, gap: unweighted.gap(at: 2)) == "   ⋮  6 rows not shown")
    #expect(marker(width: 16, gap: GridTable.Rows.Gap(count: 1, weight: 0.004)) == "   ⋮  1 row")
  }
}
