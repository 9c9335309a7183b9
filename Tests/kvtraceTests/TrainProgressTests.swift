import Foundation
import Testing

@testable import kvtrace

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The progress line of `kvtrace train` and the loss curve it draws at the end: pure
/// functions of the figures, checked for width, content and determinism.
@Suite(.tags(.unit)) struct TrainProgressTests {
  static let midway = TrainProgress(
    step: 120, totalSteps: 4000, loss: 3.41234, validationLoss: 3.5,
    tokensPerSecond: 12_345, secondsLeft: 192)

  @Test(arguments: [20, 40, 60, 80, 132, 200])
  func theTerminalLineFitsTheWidthAndCoversTheOldOne(columns: Int) {
    let line = Self.midway.terminalLine(columns: columns)
    #expect(line.hasPrefix("\r"))
    #expect(line.count == columns, "\\r plus columns - 1 characters: \(line.debugDescription)")
    #expect(line.contains("step  120/4000"))
    #expect(!line.contains("\n"))
  }

  @Test func aWideLineShowsEveryFieldAndABar() {
    let line = Self.midway.terminalLine(columns: 120)
    let expected =
      "\rstep  120/4000  [" + String(repeating: ".", count: 28)
      + "]  loss 3.4123  val 3.5000  12.3k tok/s  ETA 3m12s"
    #expect(line == expected + String(repeating: " ", count: 120 - expected.count))
  }

  @Test func aNarrowLineDropsTheLeastImportantFieldsFirst() {
    let line = Self.midway.terminalLine(columns: 40)
    #expect(line.contains("loss 3.4123"))
    #expect(line.contains("ETA"))
    #expect(!line.contains("tok/s"))
    #expect(!line.contains("["))
  }

  @Test func thePlainLineHasEveryFieldAndNoCarriageReturn() {
    #expect(
      Self.midway.plainLine == "step  120/4000  loss 3.4123  val 3.5000  12.3k tok/s  ETA 3m12s\n")
    let first = TrainProgress(step: 1, totalSteps: 3, loss: 5)
    #expect(first.plainLine == "step 1/3  loss 5.0000\n")
  }

  @Test func durationsAndRatesReadAsAPersonWouldSayThem() {
    #expect(TrainProgress.duration(42.4) == "42s")
    #expect(TrainProgress.duration(187) == "3m07s")
    #expect(TrainProgress.duration(3_900) == "1h05m")
    #expect(TrainProgress.duration(.infinity) == "?")
    #expect(TrainProgress.count(812) == "812")
    #expect(TrainProgress.count(1_450_000) == "1.45M")
    #expect(TrainProgress.bar(done: 5, of: 10, width: 12) == "[#####.....]")
  }

  @Test func theSparklinesShareOneScale() {
    let curve = LossCurve(
      training: [4, 4, 3, 3, 2, 2, 1, 1], validation: [(step: 4, loss: 3), (step: 8, loss: 1.5)])
    let lines = curve.sparklines(width: 8)
    #expect(lines.count == 3)
    #expect(lines[0] == "loss curve, steps 1 to 8, loss 1.0000 to 4.0000:")
    #expect(lines[1] == "  train       ██▆▆▃▃▁▁  4.0000 → 1.0000")
    #expect(lines[2] == "  validation     ▆   ▂  3.0000 → 1.5000")
    let ascii = curve.sparklines(width: 4, ascii: true)
    #expect(ascii[1] == "  train       #=-_  4.0000 -> 1.0000")
    #expect(ascii.allSatisfy { $0.allSatisfy(\.isASCII) })
  }

  @Test func aCurveWithoutStepsSaysSo() {
    #expect(LossCurve().sparklines(width: 40) == ["loss curve: no steps were trained"])
  }

  @Test func theSVGIsWellFormedAndTheSameForTheSameLosses() throws {
    let curve = LossCurve(
      training: (1...500).map { 5 / Float($0).squareRoot() },
      validation: stride(from: 100, through: 500, by: 100).map { (step: $0, loss: 4 / Float($0)) })
    let svg = curve.svg(title: "2 layers <demo> & friends")
    #expect(svg == curve.svg(title: "2 layers <demo> & friends"))
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.contains("2 layers &lt;demo&gt; &amp; friends"))
    #expect(svg.components(separatedBy: "<circle").count - 1 == 5)
    let parser = XMLParser(data: Data(svg.utf8))
    #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
  }
}
