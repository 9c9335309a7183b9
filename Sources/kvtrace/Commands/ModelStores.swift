import Foundation

/// A problem with a file of a model store, said in one line.
struct ModelStoreError: Error, Equatable, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// An Ollama manifest: JSON whose `layers` list the model's parts by media type and digest.
struct OllamaManifest: Equatable {
  /// The media type of the layer that is the GGUF file.
  static let modelMediaType = "application/vnd.ollama.image.model"

  /// The model layer's digest, `sha256:` and 64 hex digits.
  var digest: String

  /// Reads the manifest at `url`.
  ///
  /// - Throws: ``ModelStoreError`` for a file that is missing, not JSON, or has no
  ///   model layer with a well-formed digest.
  init(contentsOf url: URL) throws(ModelStoreError) {
    guard let data = try? Data(contentsOf: url) else {
      throw ModelStoreError("cannot read the manifest")
    }
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let layers = json["layers"] as? [[String: Any]]
    else { throw ModelStoreError("the manifest is not JSON with a list of layers") }
    guard let layer = layers.first(where: { $0["mediaType"] as? String == Self.modelMediaType })
    else { throw ModelStoreError("the manifest has no layer of type \(Self.modelMediaType)") }
    guard let digest = layer["digest"] as? String, digest.hasPrefix("sha256:"),
      digest.dropFirst(7).count == 64, digest.dropFirst(7).allSatisfy(\.isHexDigit)
    else { throw ModelStoreError("the model layer's digest is not sha256:<64 hex digits>") }
    self.digest = digest
  }

  /// The blob file the digest names under Ollama's `models` folder, if it exists.
  func blob(in models: URL) throws(ModelStoreError) -> URL {
    let url = models.appendingPathComponent("blobs/sha256-" + digest.dropFirst(7))
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw ModelStoreError("the blob \(url.lastPathComponent) is missing")
    }
    return url
  }
}

/// A Hugging Face hub cache entry, `models--ORG--NAME/`: `refs/main` names the revision
/// whose files are linked in `snapshots/REVISION/`.
struct HuggingFaceCacheEntry: Equatable {
  /// The entry's folder.
  var folder: URL

  /// `ORG/NAME`, from the folder's name.
  var id: String {
    let name = folder.lastPathComponent.dropFirst("models--".count)
    return name.replacingOccurrences(of: "--", with: "/")
  }

  /// The snapshot folder of `refs/main`, or of the only snapshot when there is no ref.
  ///
  /// - Throws: ``ModelStoreError`` when neither names an existing folder.
  func snapshot() throws(ModelStoreError) -> URL {
    let snapshots = folder.appendingPathComponent("snapshots")
    let ref = folder.appendingPathComponent("refs/main")
    var revision: String
    if let text = try? String(contentsOf: ref, encoding: .utf8) {
      revision = text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !revision.isEmpty, revision.allSatisfy({ $0.isLetter || $0.isNumber }) else {
        throw ModelStoreError("refs/main does not hold a revision")
      }
    } else {
      let all = (try? FileManager.default.contentsOfDirectory(atPath: snapshots.path)) ?? []
      guard all.count == 1, let only = all.first else {
        throw ModelStoreError("no refs/main, and not exactly one snapshot")
      }
      revision = only
    }
    let url = snapshots.appendingPathComponent(revision)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { throw ModelStoreError("the snapshot \(revision) is missing") }
    return url
  }
}
