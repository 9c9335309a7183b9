import Foundation
import KVTrace
import TinyTransformer

/// `kvtrace models`: the models Ollama and the Hugging Face cache keep on this machine, and
/// the `.gguf` files in the current folder, each with its architecture, size on disk,
/// tensor types and whether kvtrace can run it.
///
/// Only headers are read: a GGUF file's metadata and tensor infos (the file is mapped, its
/// weights never touched), a Hugging Face folder's `config.json` and the JSON header of
/// each `.safetensors` file. A broken entry is listed with its problem in one line.
enum ModelsCommand {
  static let spec = CommandSpec(
    name: "models",
    summary: "list the models on this machine: Ollama, the Hugging Face cache, .gguf files here",
    discussion: """
      Lists the models Ollama keeps (~/.ollama/models, or OLLAMA_MODELS), those in the \
      Hugging Face cache (~/.cache/huggingface/hub, or HF_HUB_CACHE, or HF_HOME/hub) and \
      the .gguf files in the current folder, with each one's architecture, size on disk, \
      tensor types and whether kvtrace runs it. The name shown is what --model takes: \
      'kvtrace run --model smollm2:135m'. Only file headers are read; nothing is downloaded.
      """,
    options: [])

  /// One model found: where, its name for `--model`, and what its headers say.
  struct Entry: Equatable {
    var store: String
    var name: String
    var facts: Result<Facts, ModelStoreError>
  }

  /// What a model's headers say.
  struct Facts: Equatable {
    var architecture: String
    var bytes: Int
    /// Tensor types and how many tensors have each, most first.
    var types: [(String, Int)]
    /// `nil` when kvtrace runs it, else why not.
    var unsupported: String?

    static func == (a: Facts, b: Facts) -> Bool {
      a.architecture == b.architecture && a.bytes == b.bytes && a.unsupported == b.unsupported
        && a.types.map(\.0) == b.types.map(\.0) && a.types.map(\.1) == b.types.map(\.1)
    }
  }

  /// Architectures kvtrace runs: the Llama family (GGUF and Hugging Face) and T5.
  static let architectures = ["llama", "qwen2", "t5"]
  /// The safetensors types kvtrace reads.
  static let safetensorsTypes = ["F32", "F16", "BF16"]

  /// The listing, for `environment` and the folder `current`.
  static func run(environment: [String: String], current: URL) -> CommandResult {
    let roots = ModelLocator.Roots(environment: environment)
    let entries = find(roots: roots, current: current)
    var lines = [
      "Ollama: \(roots.ollama.path)", "Hugging Face cache: \(roots.huggingFace.path)",
      "this folder: \(current.path)", "",
    ].map(TerminalText.escaped)
    if entries.isEmpty { lines.append("no models found in these places") }
    for entry in entries {
      lines.append(TerminalText.escaped("\(entry.name)  (\(entry.store))"))
      lines.append("  " + TerminalText.escaped(describe(entry.facts)))
    }
    return CommandResult(output: lines.joined(separator: "\n") + "\n")
  }

  /// `llama · 98.6 MB · Q4_1 ×210, F32 ×61, Q8_0 ×1 · kvtrace runs it`.
  static func describe(_ facts: Result<Facts, ModelStoreError>) -> String {
    switch facts {
    case .failure(let error): return "broken: \(error.description)"
    case .success(let f):
      let types = f.types.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ")
      let verdict = f.unsupported.map { "kvtrace cannot run it: \($0)" } ?? "kvtrace runs it"
      return [f.architecture, decimal(f.bytes), types.isEmpty ? "no tensors" : types, verdict]
        .joined(separator: " · ")
    }
  }

  /// Every model in the stores, in a fixed order: Ollama by name, the Hugging Face
  /// cache by id, then this folder's `.gguf` files by name.
  static func find(roots: ModelLocator.Roots, current: URL) -> [Entry] {
    var entries: [Entry] = []
    let manifests = roots.ollamaManifests
    for namespace in children(manifests) {
      for model in children(manifests.appendingPathComponent(namespace)) {
        for tag in children(manifests.appendingPathComponent(namespace + "/" + model)) {
          let name = (namespace == "library" ? model : namespace + "/" + model) + ":" + tag
          let url = manifests.appendingPathComponent("\(namespace)/\(model)/\(tag)")
          entries.append(
            Entry(
              store: "Ollama", name: name,
              facts: Result { () throws(ModelStoreError) -> Facts in
                try gguf(try OllamaManifest(contentsOf: url).blob(in: roots.ollama))
              }))
        }
      }
    }
    for folder in children(roots.huggingFace) where folder.hasPrefix("models--") {
      let entry = HuggingFaceCacheEntry(folder: roots.huggingFace.appendingPathComponent(folder))
      entries.append(
        Entry(
          store: "Hugging Face cache", name: entry.id,
          facts: Result { () throws(ModelStoreError) -> Facts in
            try huggingFace(try entry.snapshot())
          }))
    }
    for file in children(current) where file.hasSuffix(".gguf") {
      entries.append(
        Entry(
          store: "this folder", name: file,
          facts: Result { () throws(ModelStoreError) -> Facts in
            try gguf(current.appendingPathComponent(file))
          }))
    }
    return entries
  }

  /// A GGUF file's facts, from its header and tensor infos.
  static func gguf(_ url: URL) throws(ModelStoreError) -> Facts {
    guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
      throw ModelStoreError("cannot read \(url.lastPathComponent)")
    }
    let file: GGUFFile
    do {
      file = try GGUFFile(data: data, acceptingAnyType: true)
    } catch {
      throw ModelStoreError("not a readable GGUF file: \(error)")
    }
    let architecture = file.string("general.architecture") ?? "unknown"
    let types = counted(file.tensors.map { $0.type.description })
    let unsupported =
      !architectures.contains(architecture)
      ? "architecture \(architecture)"
      : file.tensors.first { !$0.type.isSupported }.map { "tensor type \($0.type)" }
    return Facts(
      architecture: architecture, bytes: data.count, types: types, unsupported: unsupported)
  }

  /// A Hugging Face folder's facts: `config.json`'s `model_type` and the dtypes of its
  /// safetensors headers.
  static func huggingFace(_ folder: URL) throws(ModelStoreError) -> Facts {
    let config = folder.appendingPathComponent("config.json")
    guard let data = try? Data(contentsOf: config),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw ModelStoreError("config.json is missing or not a JSON object") }
    let architecture = json["model_type"] as? String ?? "unknown"
    var bytes = 0
    var dtypes: [String] = []
    for file in children(folder) {
      let url = folder.appendingPathComponent(file).resolvingSymlinksInPath()
      let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
      bytes += size
      if file.hasSuffix(".safetensors") { dtypes += try safetensorsTypes(url) }
    }
    let types = counted(dtypes)
    let unsupported =
      !architectures.contains(architecture)
      ? "architecture \(architecture)"
      : types.first { !safetensorsTypes.contains($0.0) }.map { "tensor type \($0.0)" }
    return Facts(architecture: architecture, bytes: bytes, types: types, unsupported: unsupported)
  }

  /// The dtype of every tensor a safetensors header lists (the header only is read).
  static func safetensorsTypes(_ url: URL) throws(ModelStoreError) -> [String] {
    let name = url.lastPathComponent
    guard let handle = try? FileHandle(forReadingFrom: url) else {
      throw ModelStoreError("cannot read \(name)")
    }
    defer { try? handle.close() }
    guard let prefix = try? handle.read(upToCount: 8), prefix.count == 8 else {
      throw ModelStoreError("\(name) is shorter than its 8-byte header length")
    }
    let length = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard length <= 100_000_000, let header = try? handle.read(upToCount: Int(length)),
      header.count == Int(length),
      let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any]
    else { throw ModelStoreError("\(name) has no readable JSON header") }
    return json.keys.sorted().filter { $0 != "__metadata__" }.compactMap {
      (json[$0] as? [String: Any])?["dtype"] as? String
    }
  }

  /// Each distinct value and how often it occurs, most frequent first, then by name.
  static func counted(_ values: [String]) -> [(String, Int)] {
    var counts: [String: Int] = [:]
    for value in values { counts[value, default: 0] += 1 }
    return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map { ($0.key, $0.value) }
  }

  /// The names in a folder, sorted; none when it cannot be read.
  static func children(_ url: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
      .filter { !$0.hasPrefix(".") }.sorted()
  }

  /// `98.6 MB`: bytes in decimal units, as disks are sold.
  static func decimal(_ bytes: Int) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 999.5, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    guard unit > 0 else { return "\(bytes) B" }
    return String(
      format: value >= 99.95 ? "%.0f %@" : value >= 9.995 ? "%.1f %@" : "%.2f %@",
      value, units[unit])
  }
}
