import Foundation

extension LossCurve {
  /// The size of the drawing and of its margins, in SVG user units (pixels).
  private static let size = (width: 720.0, height: 400.0)
  private static let margin = (left: 64.0, right: 24.0, top: 40.0, bottom: 48.0)

  /// The curve as a self-contained SVG file (`kvtrace train --svg FILE`).
  ///
  /// The training loss is a thin line (at most one point per pixel column, each the mean
  /// of its steps), the validation loss a thicker line with a dot per measurement, on
  /// the same axes as ``sparklines(width:ascii:)`` uses. The text is a pure function of
  /// the losses: the same run draws the same bytes.
  ///
  /// - Parameter title: The line above the plot, such as the recipe that was trained.
  func svg(title: String) -> String {
    let plotWidth = Self.size.width - Self.margin.left - Self.margin.right
    let plotHeight = Self.size.height - Self.margin.top - Self.margin.bottom
    let (low, high) = range ?? (0, 1)
    let span = high > low ? Double(high - low) : 1
    func x(_ step: Double) -> Double {
      Self.margin.left + plotWidth * (steps > 1 ? (step - 1) / Double(steps - 1) : 0.5)
    }
    func y(_ loss: Float) -> Double {
      Self.margin.top + plotHeight * (1 - (Double(loss) - Double(low)) / span)
    }
    let columns = max(1, min(training.count, Int(plotWidth)))
    let trainPoints = (0..<columns).compactMap { column -> String? in
      let steps = (training.count * column / columns)..<(training.count * (column + 1) / columns)
      let values = training[steps].filter(\.isFinite)
      guard !values.isEmpty else { return nil }
      let mean = values.reduce(0, +) / Float(values.count)
      return Self.point(x(Double(steps.lowerBound + steps.upperBound + 1) / 2), y(mean))
    }
    let validationPoints = validation.filter(\.loss.isFinite).map {
      Self.point(x(Double($0.step)), y($0.loss))
    }
    var lines = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.size.width))\" "
        + "height=\"\(Int(Self.size.height))\" viewBox=\"0 0 \(Int(Self.size.width)) "
        + "\(Int(Self.size.height))\" font-family=\"sans-serif\" font-size=\"12\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
      "<text x=\"\(Int(Self.margin.left))\" y=\"24\" font-size=\"14\">\(Self.escaped(title))</text>",
    ]
    lines += axes(low: low, high: high, plotWidth: plotWidth, plotHeight: plotHeight)
    lines.append(
      "<polyline fill=\"none\" stroke=\"#4a7bd0\" stroke-width=\"1\" points=\""
        + trainPoints.joined(separator: " ") + "\"/>")
    if !validationPoints.isEmpty {
      lines.append(
        "<polyline fill=\"none\" stroke=\"#d0602a\" stroke-width=\"2\" points=\""
          + validationPoints.joined(separator: " ") + "\"/>")
      lines += validationPoints.map { point in
        let xy = point.split(separator: ",")
        return "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"#d0602a\"/>"
      }
    }
    lines += legend()
    return (lines + ["</svg>"]).joined(separator: "\n") + "\n"
  }

  /// The frame, the loss labels (lowest, middle, highest) and the step labels.
  private func axes(low: Float, high: Float, plotWidth: Double, plotHeight: Double) -> [String] {
    let left = Self.margin.left
    let top = Self.margin.top
    let bottom = top + plotHeight
    var lines = [
      "<rect x=\"\(Self.number(left))\" y=\"\(Self.number(top))\" width=\"\(Self.number(plotWidth))\" "
        + "height=\"\(Self.number(plotHeight))\" fill=\"none\" stroke=\"#888\"/>"
    ]
    for share in [0.0, 0.5, 1.0] {
      let loss = Double(low) + Double(high - low) * share
      let y = bottom - plotHeight * share
      lines.append(
        "<text x=\"\(Self.number(left - 6))\" y=\"\(Self.number(y + 4))\" text-anchor=\"end\">"
          + String(format: "%.3f", loss) + "</text>")
    }
    for (step, anchor, x) in [(1, "start", left), (steps, "end", left + plotWidth)] {
      lines.append(
        "<text x=\"\(Self.number(x))\" y=\"\(Self.number(bottom + 18))\" text-anchor=\"\(anchor)\">"
          + "step \(step)</text>")
    }
    lines.append(
      "<text x=\"\(Self.number(left + plotWidth / 2))\" y=\"\(Self.number(bottom + 36))\" "
        + "text-anchor=\"middle\">training step</text>")
    return lines
  }

  private func legend() -> [String] {
    let x = Self.size.width - Self.margin.right - 180
    var lines = [
      "<line x1=\"\(Self.number(x))\" y1=\"20\" x2=\"\(Self.number(x + 20))\" y2=\"20\" "
        + "stroke=\"#4a7bd0\"/>",
      "<text x=\"\(Self.number(x + 26))\" y=\"24\">train</text>",
    ]
    if !validation.isEmpty {
      lines += [
        "<line x1=\"\(Self.number(x + 80))\" y1=\"20\" x2=\"\(Self.number(x + 100))\" y2=\"20\" "
          + "stroke=\"#d0602a\" stroke-width=\"2\"/>",
        "<text x=\"\(Self.number(x + 106))\" y=\"24\">validation</text>",
      ]
    }
    return lines
  }

  private static func point(_ x: Double, _ y: Double) -> String { number(x) + "," + number(y) }

  /// A coordinate with one decimal, the same bytes on every machine.
  private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

  /// `text` with the five characters XML reserves replaced by their entities.
  static func escaped(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(character)
      }
    }
    return out
  }
}
