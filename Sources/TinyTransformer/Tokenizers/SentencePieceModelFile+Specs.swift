// The two nested messages of a ModelProto that shape encoding: TrainerSpec and NormalizerSpec.

extension SentencePieceModelFile {
  /// Reads the `TrainerSpec` fields that matter: 3 `model_type`, 24
  /// `treat_whitespace_as_suffix`, 35 `byte_fallback`, 40–43 the unk, bos, eos and pad ids,
  /// 44 `unk_surface`.
  mutating func readTrainerSpec(_ reader: inout ProtobufReader) throws(TokenizerFileProblem) {
    while !reader.isAtEnd {
      let key = try reader.key()
      switch key.number {
      case 3: modelType = try Self.int32(&reader, key, "model_type")
      case 24: treatWhitespaceAsSuffix = try Self.bool(&reader, key, "treat_whitespace_as_suffix")
      case 35: byteFallback = try Self.bool(&reader, key, "byte_fallback")
      case 40: unknownID = try Self.int32(&reader, key, "unk_id")
      case 41: beginningID = try Self.int32(&reader, key, "bos_id")
      case 42: endID = try Self.int32(&reader, key, "eos_id")
      case 43: paddingID = try Self.int32(&reader, key, "pad_id")
      case 44:
        try Self.expect(key, wireType: 2)
        unknownSurface = try reader.string(field: "unk_surface")
      default: try reader.skip(key)
      }
    }
  }

  /// Reads a `NormalizerSpec`: 1 name, 2 `precompiled_charsmap`, 3 `add_dummy_prefix`,
  /// 4 `remove_extra_whitespaces`, 5 `escape_whitespaces`.
  static func normalization(
    _ reader: inout ProtobufReader
  ) throws(TokenizerFileProblem) -> Normalization {
    var spec = Normalization()
    while !reader.isAtEnd {
      let key = try reader.key()
      switch key.number {
      case 1:
        try expect(key, wireType: 2)
        spec.name = try reader.string(field: "the normalizer name")
      case 2:
        try expect(key, wireType: 2)
        spec.charsmap = Array(reader.bytes[try reader.lengthDelimited(field: "the charsmap")])
      case 3: spec.addDummyPrefix = try bool(&reader, key, "add_dummy_prefix")
      case 4: spec.removeExtraWhitespaces = try bool(&reader, key, "remove_extra_whitespaces")
      case 5: spec.escapeWhitespaces = try bool(&reader, key, "escape_whitespaces")
      default: try reader.skip(key)
      }
    }
    return spec
  }

  /// A varint field read as a protobuf `bool`.
  static func bool(
    _ reader: inout ProtobufReader, _ key: ProtobufReader.Key, _ name: String
  ) throws(TokenizerFileProblem) -> Bool {
    try expect(key, wireType: 0)
    return try reader.varint(field: name) != 0
  }
}
