import GoldenFiles

/// The golden files of this target, in `Snapshots/`.
let golden = GoldenFiles(besideFile: #filePath)
