import Foundation

/// Turns `--model`'s argument into a path: a path that exists, else the name of a model
/// Ollama or the Hugging Face cache keeps on this machine.
///
/// - Ollama keeps a manifest per model and tag,
///   `~/.ollama/models/manifests/registry.ollama.ai/library/NAME/TAG` (JSON); its layer of
///   media type `application/vnd.ollama.image.model` names the GGUF file by digest, stored
///   as `~/.ollama/models/blobs/sha256-HEX`. `OLLAMA_MODELS` moves the `models` folder.
///   `smollm2:135m` is NAME `smollm2`, TAG `135m`; without a tag, `latest`. A name with a
///   slash (`user/model:tag`) is looked up under the registry's folder as it is.
/// - The Hugging Face hub keeps `~/.cache/huggingface/hub/models--ORG--NAME/`, with
///   `refs/main` naming the revision whose files are in `snapshots/REVISION/`.
///   `HF_HUB_CACHE` moves the `hub` folder, `HF_HOME` the `huggingface` folder above it.
///   `HuggingFaceTB/SmolLM2-135M` is ORG `HuggingFaceTB`, NAME `SmolLM2-135M`.
///
/// Nothing is downloaded: a name kvtrace does not find is an error that lists where it looked.
enum ModelLocator {
  /// The folders the locator searches, from the environment.
  struct Roots: Equatable, Sendable {
    /// Ollama's `models` folder (holds `manifests/` and `blobs/`).
    var ollama: URL
    /// The Hugging Face hub cache (holds `models--ORG--NAME/`).
    var huggingFace: URL

    /// The folders `environment` points at, or the tools' defaults under `HOME`.
    init(environment: [String: String]) {
      let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
      ollama =
        environment["OLLAMA_MODELS"].flatMap(Self.nonEmpty).map { URL(fileURLWithPath: $0) }
        ?? home.appendingPathComponent(".ollama/models")
      if let hub = environment["HF_HUB_CACHE"].flatMap(Self.nonEmpty) {
        huggingFace = URL(fileURLWithPath: hub)
      } else if let hf = environment["HF_HOME"].flatMap(Self.nonEmpty) {
        huggingFace = URL(fileURLWithPath: hf).appendingPathComponent("hub")
      } else {
        huggingFace = home.appendingPathComponent(".cache/huggingface/hub")
      }
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    /// The folder of Ollama's manifests for the default registry.
    var ollamaManifests: URL {
      ollama.appendingPathComponent("manifests/registry.ollama.ai")
    }
  }

  /// Why a name did not resolve.
  struct NotFound: Error, Equatable, CustomStringConvertible {
    var name: String
    var looked: [String]
    var description: String {
      "no model '\(name)': not a file or folder"
        + (looked.isEmpty ? "" : ", and not found in " + looked.joined(separator: " or "))
        + "; give a path, an Ollama name such as smollm2:135m, or a Hugging Face id such "
        + "as HuggingFaceTB/SmolLM2-135M ('kvtrace models' lists those on this machine)"
    }
  }

  /// `argument` as a path: itself when something exists there, else the Ollama blob or
  /// Hugging Face snapshot folder it names, else itself unchanged (the loader then says
  /// nothing is there; ``notFound(_:environment:)`` words that error).
  static func path(for argument: String, environment: [String: String]) -> String {
    (try? resolve(argument, environment: environment).get()) ?? argument
  }

  /// ``path(for:environment:)`` with the process's environment: the one line that hooks
  /// the locator into `--model`.
  static func path(for argument: String) -> String {
    path(for: argument, environment: ProcessInfo.processInfo.environment)
  }

  /// The path `argument` names, or where the locator looked for it.
  static func resolve(_ argument: String, environment: [String: String])
    -> Result<String, NotFound>
  {
    if FileManager.default.fileExists(atPath: argument) { return .success(argument) }
    let roots = Roots(environment: environment)
    if let blob = ollamaBlob(argument, roots: roots) { return .success(blob.path) }
    if let snapshot = huggingFaceSnapshot(argument, roots: roots) {
      return .success(snapshot.path)
    }
    return .failure(notFound(argument, environment: environment))
  }

  /// ``notFound(_:environment:)`` with the process's environment: the words of the
  /// loader's error when nothing is at `--model`'s path.
  static func notFound(_ argument: String) -> NotFound {
    notFound(argument, environment: ProcessInfo.processInfo.environment)
  }

  /// The error for a name found nowhere: the places looked in, in the order looked.
  static func notFound(_ argument: String, environment: [String: String]) -> NotFound {
    let roots = Roots(environment: environment)
    var looked: [String] = []
    if let (name, tag) = ollamaName(argument) {
      looked.append(
        "Ollama's \(roots.ollamaManifests.appendingPathComponent(name + "/" + tag).path)")
    }
    if let folder = huggingFaceFolder(argument) {
      looked.append(
        "the Hugging Face cache's \(roots.huggingFace.appendingPathComponent(folder).path)")
    }
    return NotFound(name: argument, looked: looked)
  }

  /// `smollm2:135m` → (`library/smollm2`, `135m`); `user/model` → (`user/model`, `latest`).
  static func ollamaName(_ argument: String) -> (name: String, tag: String)? {
    let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let first = parts.first, safe(first) else { return nil }
    let tag = parts.count == 2 ? String(parts[1]) : "latest"
    guard safe(Substring(tag)), !tag.contains("/") else { return nil }
    let slashes = first.filter { $0 == "/" }.count
    guard slashes <= 1 else { return nil }
    return (slashes == 0 ? "library/" + first : String(first), tag)
  }

  /// `HuggingFaceTB/SmolLM2-135M` → `models--HuggingFaceTB--SmolLM2-135M`.
  static func huggingFaceFolder(_ argument: String) -> String? {
    let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy(safe), !argument.contains(":") else { return nil }
    return "models--\(parts[0])--\(parts[1])"
  }

  /// Whether a name part is a plain name: no `..`, no empty part, no control characters.
  private static func safe(_ part: Substring) -> Bool {
    !part.isEmpty && part != "." && part != ".."
      && part.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\\" }
      && !part.split(separator: "/", omittingEmptySubsequences: false).contains {
        $0.isEmpty || $0 == ".." || $0 == "."
      }
  }

  /// The GGUF blob an Ollama manifest names, if the manifest and the blob exist.
  static func ollamaBlob(_ argument: String, roots: Roots) -> URL? {
    guard let (name, tag) = ollamaName(argument) else { return nil }
    let manifest = roots.ollamaManifests.appendingPathComponent(name + "/" + tag)
    return try? OllamaManifest(contentsOf: manifest).blob(in: roots.ollama)
  }

  /// The snapshot folder `refs/main` names in a Hugging Face cache entry, if it exists.
  static func huggingFaceSnapshot(_ argument: String, roots: Roots) -> URL? {
    guard let folder = huggingFaceFolder(argument) else { return nil }
    return try? HuggingFaceCacheEntry(
      folder: roots.huggingFace.appendingPathComponent(folder)
    ).snapshot()
  }
}
