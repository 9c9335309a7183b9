/// Everything `GGUFFile` learns from a file's bytes, found in one pass and checked.
///
/// The order of the checks is the order of the file: header, metadata, tensor infos,
/// then each tensor's type, shape, offset and extent against the file, then overlaps.
struct GGUFLayout {
  var version: UInt32 = 0
  var metadataKeys: [String] = []
  var metadata: [String: GGUFValue] = [:]
  var tensors: [GGUFTensorInfo] = []
  var alignment = 32
  var dataStart = 0

  /// Versions kvtrace reads (version 1 used 4-byte counts and is long gone).
  static let versions: ClosedRange<UInt32> = 2...3
  /// ggml's limit on a tensor's dimensions.
  static let maximumDimensions = 4

  init(_ bytes: UnsafeRawBufferPointer, acceptingAnyType: Bool) throws(GGUFError) {
    var cursor = GGUFCursor(bytes)
    try cursor.need(4, "the magic number")
    let magic = Array(bytes[0..<4])
    guard magic == Array("GGUF".utf8) else { throw .wrongMagic(magic) }
    cursor.offset = 4
    version = try cursor.load(UInt32.self, "the version")
    guard Self.versions.contains(version) else { throw .unsupportedVersion(version) }
    let tensorCount = try cursor.load(UInt64.self, "the tensor count")
    let metadataCount = try cursor.load(UInt64.self, "the metadata count")
    try readMetadata(&cursor, count: metadataCount)
    try readAlignment()
    let infos = try readTensorInfos(&cursor, count: tensorCount)
    let (start, overflow) = cursor.offset.addingReportingOverflow(alignment - 1)
    dataStart = overflow ? Int.max : start / alignment * alignment
    tensors = try infos.map { (info) throws(GGUFError) in
      try Self.check(info, acceptingAnyType: acceptingAnyType, layout: self, fileSize: bytes.count)
    }
    try Self.checkOverlaps(tensors)
  }

  private mutating func readMetadata(_ cursor: inout GGUFCursor, count: UInt64) throws(GGUFError) {
    // A key/value pair takes at least 8 (key length) + 4 (type) + 1 bytes.
    try cursor.need(count: count, of: 13, "the metadata (\(count) entries)")
    metadataKeys.reserveCapacity(Int(count))
    for index in 0..<Int(count) {
      let key = try cursor.string("metadata key \(index)")
      guard metadata[key] == nil else { throw .duplicateKey(key) }
      let type = try cursor.valueType(key: key)
      metadata[key] = try cursor.value(type, key: key)
      metadataKeys.append(key)
    }
  }

  private mutating func readAlignment() throws(GGUFError) {
    guard let value = metadata["general.alignment"] else { return }
    guard let a = value.int, a > 0, a & (a - 1) == 0, a <= 1 << 20 else {
      throw .badAlignment(value.int.map { UInt64(truncatingIfNeeded: $0) } ?? 0)
    }
    alignment = a
  }

  /// A tensor info as stored, before its checks.
  struct RawInfo {
    var name: String
    var dimensions: [UInt64]
    var type: UInt32
    var offset: UInt64
  }

  private func readTensorInfos(
    _ cursor: inout GGUFCursor, count: UInt64
  ) throws(GGUFError) -> [RawInfo] {
    // An info takes at least 8 (name length) + 4 (dimension count) + 4 (type) + 8 (offset).
    try cursor.need(count: count, of: 24, "the tensor infos (\(count) tensors)")
    var infos: [RawInfo] = []
    infos.reserveCapacity(Int(count))
    var seen: Set<String> = []
    for index in 0..<Int(count) {
      let name = try cursor.string("the name of tensor \(index)")
      guard seen.insert(name).inserted else { throw .duplicateTensor(name) }
      let what = "the info of tensor '\(name)'"
      let dimensionCount = try cursor.load(UInt32.self, what)
      guard (1...Self.maximumDimensions).contains(Int(dimensionCount)) else {
        throw .badShape(tensor: name, "\(dimensionCount) dimensions (ggml allows 1 to 4)")
      }
      var dimensions: [UInt64] = []
      for _ in 0..<dimensionCount { dimensions.append(try cursor.load(UInt64.self, what)) }
      let type = try cursor.load(UInt32.self, what)
      let offset = try cursor.load(UInt64.self, what)
      infos.append(RawInfo(name: name, dimensions: dimensions, type: type, offset: offset))
    }
    return infos
  }

  /// One tensor's type, shape, alignment and extent, checked.
  static func check(
    _ info: RawInfo, acceptingAnyType: Bool, layout: GGUFLayout, fileSize: Int
  ) throws(GGUFError) -> GGUFTensorInfo {
    let name = info.name
    guard let type = GGMLType(rawValue: info.type) else {
      throw .unknownTensorType(tensor: name, type: info.type)
    }
    guard acceptingAnyType || type.isSupported else {
      throw .unsupportedTensorType(tensor: name, type: type)
    }
    let dimensions = try shape(info)
    let rows = dimensions.dropFirst().reduce(1, *)  // shape() checked the product
    guard let rowBytes = type.rowByteCount(columns: dimensions[0]) else {
      throw .badShape(
        tensor: name,
        "rows of \(dimensions[0]) numbers, not a whole number of \(type)'s "
          + "\(type.blockSize)-number blocks")
    }
    let (bytes, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
    guard !overflow else { throw .badShape(tensor: name, "its byte count overflows") }
    guard info.offset % UInt64(layout.alignment) == 0 else {
      throw .misalignedTensor(tensor: name, offset: info.offset, alignment: layout.alignment)
    }
    let (start, o1) = UInt64(layout.dataStart).addingReportingOverflow(info.offset)
    let (end, o2) = start.addingReportingOverflow(UInt64(bytes))
    guard !o1, !o2, end <= UInt64(fileSize) else {
      throw .tensorPastEnd(tensor: name, end: (o1 || o2) ? .max : end, fileSize: fileSize)
    }
    return GGUFTensorInfo(
      name: name, dimensions: dimensions, type: type, offset: Int(start), byteCount: bytes)
  }

  /// The dimensions as `Int`s: each positive, their product without overflow.
  static func shape(_ info: RawInfo) throws(GGUFError) -> [Int] {
    var product = 1
    var dimensions: [Int] = []
    for d in info.dimensions {
      guard d > 0, d <= UInt64(Int.max) else {
        throw .badShape(tensor: info.name, "a dimension of \(d)")
      }
      let (p, overflow) = product.multipliedReportingOverflow(by: Int(d))
      guard !overflow else { throw .badShape(tensor: info.name, "its element count overflows") }
      product = p
      dimensions.append(Int(d))
    }
    return dimensions
  }

  /// Throws if two tensors' byte ranges overlap.
  static func checkOverlaps(_ tensors: [GGUFTensorInfo]) throws(GGUFError) {
    let sorted = tensors.filter { $0.byteCount > 0 }.sorted { $0.offset < $1.offset }
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.offset + a.byteCount > b.offset {
      throw .overlappingTensors(a.name, b.name)
    }
  }
}
