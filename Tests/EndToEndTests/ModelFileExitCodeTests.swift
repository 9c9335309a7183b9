// The process exit codes of bad model files, as a shell sees them: 66 for a file that is
// not there, 65 for one that is not a llama2.c model. One line on standard error each.

import Foundation
import Testing

@Test(.tags(.endToEnd)) func aMissingCheckpointExits66AndANonModelExits65() throws {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("kvtrace-e2e-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let notAModel = directory.appendingPathComponent("notes.txt")
  try Data("these are notes about the weights, not the weights\n".utf8).write(to: notAModel)
  let missing = directory.appendingPathComponent("stories15M.bin").path

  let noInput = try runKVTrace(["--checkpoint", missing, "--tokenizer", notAModel.path])
  #expect(noInput.status == 66)
  #expect(noInput.stdout.isEmpty)
  #expect(noInput.error.hasPrefix("kvtrace: no checkpoint file at"))

  let dataError = try runKVTrace(["--checkpoint", notAModel.path, "--tokenizer", notAModel.path])
  #expect(dataError.status == 65)
  #expect(dataError.stdout.isEmpty)
  #expect(dataError.error.contains("is not a llama2.c checkpoint"), "\(dataError.error)")
  #expect(dataError.error.filter { $0 == "\n" }.count == 1)

  // (A --checkpoint alone is read, with the demo tokenizer when its vocabulary fits.)
  let usage = try runKVTrace(["--tokenizer", notAModel.path])
  #expect(usage.status == 64)
}
