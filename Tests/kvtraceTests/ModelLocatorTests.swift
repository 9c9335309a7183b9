import Foundation
import Testing

@testable import kvtrace

/// `--model NAME` and `kvtrace models` over fake Ollama and Hugging Face trees built in a
/// temporary folder: tiny GGUF files written byte by byte, safetensors headers by hand.
@Suite(.tags(.unit)) struct ModelLocatorTests {
  /// A GGUF v3 file: `general.architecture` = `architecture`, one tensor per type, each
  /// of 256 elements (one block of every format), the data section zero-filled.
  static func gguf(architecture: String, types: [(String, UInt32, Int)]) -> Data {
    var bytes = Data("GGUF".utf8)
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    func string(_ s: String) {
      u64(UInt64(s.utf8.count))
      bytes.append(contentsOf: Array(s.utf8))
    }
    u32(3)
    u64(UInt64(types.count))
    u64(1)
    string("general.architecture")
    u32(8)  // string
    string(architecture)
    var offset = 0
    for (name, type, size) in types {
      string(name)
      u32(1)
      u64(256)
      u32(type)
      u64(UInt64(offset))
      offset += (size + 31) / 32 * 32
    }
    while bytes.count % 32 != 0 { bytes.append(0) }
    bytes.append(Data(count: offset))
    return bytes
  }

  /// A safetensors file whose header lists one tensor per dtype.
  static func safetensors(_ dtypes: [String]) -> Data {
    var entries: [String] = []
    var start = 0
    for (index, dtype) in dtypes.enumerated() {
      entries.append(
        "\"t\(index)\":{\"dtype\":\"\(dtype)\",\"shape\":[1],\"data_offsets\":[\(start),\(start + 4)]}"
      )
      start += 4
    }
    let header = Data(("{" + entries.joined(separator: ",") + "}").utf8)
    var bytes = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + header + Data(count: start)
  }

  /// Ollama: smollm2:135m (llama, Q4_1 and F32), a manifest that is not JSON, one whose
  /// blob is missing, a model of an unsupported type. Hugging Face: a Llama folder in
  /// BF16, a GPT-2 one, one without its snapshot. A `.gguf` file in the current folder.
  static func tree(_ root: URL) throws -> [String: String] {
    let fm = FileManager.default
    func write(_ data: Data, _ path: String) throws {
      let url = root.appendingPathComponent(path)
      try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url)
    }
    let good = gguf(architecture: "llama", types: [("a", 3, 160), ("b", 0, 1024), ("c", 0, 1024)])
    let odd = gguf(architecture: "llama", types: [("a", 11, 110)])
    let hexes = ["a", "b", "c"].map { String(repeating: $0, count: 64) }
    try write(good, "ollama/blobs/sha256-\(hexes[0])")
    try write(odd, "ollama/blobs/sha256-\(hexes[2])")
    func manifest(_ hex: String) -> Data {
      Data(
        """
        {"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.license",
        "digest":"sha256:\(String(repeating: "0", count: 64))"},
        {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:\(hex)","size":1}]}
        """.utf8)
    }
    let library = "ollama/manifests/registry.ollama.ai/library/"
    try write(manifest(hexes[0]), library + "smollm2/135m")
    try write(Data("not json {".utf8), library + "broken/latest")
    try write(manifest(hexes[1]), library + "missing/latest")
    try write(manifest(hexes[2]), library + "kquant/latest")
    let hub = "hf/hub/models--HuggingFaceTB--SmolLM2-135M/"
    try write(Data("abc123\n".utf8), hub + "refs/main")
    try write(Data(#"{"model_type":"llama"}"#.utf8), hub + "snapshots/abc123/config.json")
    try write(safetensors(["BF16", "BF16", "F32"]), hub + "snapshots/abc123/model.safetensors")
    let gpt2 = "hf/hub/models--openai-community--gpt2/"
    try write(Data("r1".utf8), gpt2 + "refs/main")
    try write(Data(#"{"model_type":"gpt2"}"#.utf8), gpt2 + "snapshots/r1/config.json")
    try write(safetensors(["F32"]), gpt2 + "snapshots/r1/model.safetensors")
    try write(Data("nothing".utf8), "hf/hub/models--org--gone/refs/main")
    try write(good, "here/tiny.gguf")
    return [
      "HOME": root.appendingPathComponent("home").path,
      "OLLAMA_MODELS": root.appendingPathComponent("ollama").path,
      "HF_HOME": root.appendingPathComponent("hf").path,
    ]
  }

  @Test func namesResolveToTheBlobAndTheSnapshot() throws {
    let folder = try TemporaryDirectory()
    let environment = try Self.tree(folder.url)
    let blob = try ModelLocator.resolve("smollm2:135m", environment: environment).get()
    #expect(blob.hasSuffix("ollama/blobs/sha256-" + String(repeating: "a", count: 64)))
    let snapshot = try ModelLocator.resolve(
      "HuggingFaceTB/SmolLM2-135M", environment: environment
    ).get()
    #expect(snapshot.hasSuffix("hf/hub/models--HuggingFaceTB--SmolLM2-135M/snapshots/abc123"))
    #expect(
      ModelLocator.path(for: folder.path("here"), environment: environment) == folder.path("here"),
      "a path wins")
    var hubOnly = environment
    hubOnly["HF_HUB_CACHE"] = folder.path("elsewhere")
    #expect(
      (try? ModelLocator.resolve("HuggingFaceTB/SmolLM2-135M", environment: hubOnly).get()) == nil)
  }

  @Test func anUnknownOrBrokenNameSaysWhereItLooked() throws {
    let folder = try TemporaryDirectory()
    let environment = try Self.tree(folder.url)
    for name in ["nosuch:7b", "broken", "missing", "org/gone", "../nosuch-kvtrace/x"] {
      guard case .failure(let error) = ModelLocator.resolve(name, environment: environment) else {
        Issue.record("\(name) resolved")
        continue
      }
      #expect(!error.description.contains("\n"))
      #expect(error.description.hasPrefix("no model '\(name)': not a file or folder"))
    }
    let unknown = ModelLocator.notFound("nosuch:7b", environment: environment).description
    #expect(
      unknown.contains(
        "Ollama's \(folder.path("ollama"))/manifests/registry.ollama.ai/library/nosuch/7b"))
    let id = ModelLocator.notFound("org/nosuch", environment: environment).description
    #expect(id.contains("the Hugging Face cache's \(folder.path("hf"))/hub/models--org--nosuch"))
    let result = KVTraceCLI.run(
      arguments: ["run", "--model", "nosuch-model:7b"], environment: environment,
      stdoutIsTerminal: false)
    #expect(result.code == .noInput)
    #expect(result.error.contains("no model 'nosuch-model:7b'"))
  }

  @Test func modelsListsEveryStoreInOrder() throws {
    let folder = try TemporaryDirectory()
    let environment = try Self.tree(folder.url)
    let output = ModelsCommand.run(
      environment: environment, current: folder.url.appendingPathComponent("here")
    ).output
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let body = Array(lines.dropFirst(4))
    #expect(
      body == [
        "broken:latest  (Ollama)",
        "  broken: the manifest is not JSON with a list of layers",
        "kquant:latest  (Ollama)",
        "  llama · 256 B · Q3_K ×1 · kvtrace cannot run it: tensor type Q3_K",
        "missing:latest  (Ollama)",
        "  broken: the blob sha256-\(String(repeating: "b", count: 64)) is missing",
        "smollm2:135m  (Ollama)",
        "  llama · 2.40 kB · F32 ×2, Q4_1 ×1 · kvtrace runs it",
        "HuggingFaceTB/SmolLM2-135M  (Hugging Face cache)",
        "  llama · 208 B · BF16 ×2, F32 ×1 · kvtrace runs it",
        "openai-community/gpt2  (Hugging Face cache)",
        "  gpt2 · 88 B · F32 ×1 · kvtrace cannot run it: architecture gpt2",
        "org/gone  (Hugging Face cache)",
        "  broken: the snapshot nothing is missing",
        "tiny.gguf  (this folder)",
        "  llama · 2.40 kB · F32 ×2, Q4_1 ×1 · kvtrace runs it",
        "",
      ], "\(output)")
    #expect(lines[0] == "Ollama: \(folder.path("ollama"))")
    let again = ModelsCommand.run(
      environment: environment, current: folder.url.appendingPathComponent("here")
    ).output
    #expect(again == output, "the same trees list the same way")
  }

  @Test func modelsIsACommand() {
    let help = KVTraceCLI.run(
      arguments: ["help", "models"], environment: [:], stdoutIsTerminal: false)
    #expect(help.code == .ok)
    #expect(help.output.contains("kvtrace models"))
    let empty = KVTraceCLI.run(
      arguments: ["models"], environment: ["HOME": "/nonexistent-kvtrace-home"],
      stdoutIsTerminal: false)
    #expect(empty.output.contains("no models found in these places"))
  }
}
