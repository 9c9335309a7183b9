import Testing
import TinyTransformer

@testable import KVTrace

@Suite(.tags(.unit)) struct JSONWriterTests {
  @Test func stringsAreEscapedAsRFC8259Asks() {
    var writer = JSONWriter()
    writer.string("say \"hi\"\\\n\r\t\u{8}\u{C}\u{1}\u{1F} é 🦊 /")
    let expected = #""say \"hi\"\\\n\r\t\b\f\u0001\u001f é 🦊 /""#
    #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
  }

  @Test func commasGoBetweenValuesAndMembers() {
    var writer = JSONWriter()
    writer.beginObject()
    writer.key("a")
    writer.beginArray()
    writer.int(1)
    writer.beginArray()
    writer.endArray()
    writer.beginObject()
    writer.endObject()
    writer.null()
    writer.endArray()
    writer.key("b")
    writer.bool(false)
    writer.endObject()
    #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[1,[],{},null],"b":false}"#)
  }

  @Test func integersArePlainDigits() {
    var writer = JSONWriter()
    writer.beginArray()
    for value in [0, 7, -5, 10, 1_000_000, Int.max, Int.min] { writer.int(value) }
    writer.uint(UInt64.max)
    writer.endArray()
    #expect(
      String(decoding: writer.bytes, as: UTF8.self)
        == "[0,7,-5,10,1000000,9223372036854775807,-9223372036854775808,18446744073709551615]")
  }

  @Test func floatsUseTheShortestRoundTripSpelling() {
    var writer = JSONWriter()
    writer.beginArray()
    for value: Float in [0, 1, 0.1, 1e-5, -2.5, 0.015799124, .infinity, .nan] {
      writer.float(value)
    }
    writer.endArray()
    #expect(
      String(decoding: writer.bytes, as: UTF8.self)
        == "[0.0,1.0,0.1,1e-05,-2.5,0.015799124,null,null]")
  }

  /// Every finite `Float` the writer spells reads back as the same bits.
  @Test func floatsReadBackBitForBit() throws {
    var random = SplitMix64(seed: 42)
    var values: [Float] = [
      -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, .ulpOfOne,
    ]
    while values.count < 20_000 {
      let value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
      if value.isFinite { values.append(value) }
    }
    var writer = JSONWriter()
    writer.beginArray()
    for value in values { writer.float(value) }
    writer.endArray()
    var parser = JSONParser(writer.bytes)
    let parsed = try JSONDecoding.array(parser.value(), "$")
    #expect(parsed.count == values.count)
    var mismatches = 0
    for (value, element) in zip(values, parsed) {
      let back = try JSONDecoding.float(element, "$", writer.bytes)
      if back.bitPattern != value.bitPattern { mismatches += 1 }
    }
    #expect(mismatches == 0)
  }
}
