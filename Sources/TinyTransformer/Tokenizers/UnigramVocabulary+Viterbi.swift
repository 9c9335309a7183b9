// Unigram segmentation: the best-scoring cut of the normalized bytes into pieces.

extension UnigramVocabulary {
  /// One step of the best path: the piece `id` covers `bytes[range]`.
  struct Segment {
    var range: Range<Int>
    var id: Int
  }

  /// The best path that ends at one byte position: its total score, where its last piece
  /// starts (`nil` while no path reaches here) and that piece's id.
  private struct PathEnd<Score: BinaryFloatingPoint> {
    var score: Score = 0
    var start: Int?
    var id = -1
  }

  /// The segmentation of normalized bytes whose piece scores sum highest (Viterbi).
  ///
  /// Walking the text one character at a time, every piece that starts at the current
  /// position extends the best path that ends there; each end position keeps only the best
  /// path reaching it, so the work is linear in the text times the longest piece. A
  /// character no piece covers becomes the unknown piece, at a score 10 below the worst
  /// piece, so it is used only where nothing else fits. `Score` is the type the library
  /// sums in (`Float` for sentencepiece, `Double` for Hugging Face): near-ties are decided
  /// by its rounding, so it matters for equal ids. sentencepiece also re-centres very large
  /// running scores (`resetsScores`), which only changes their rounding.
  func bestPath<Score: BinaryFloatingPoint>(
    _ bytes: [UInt8], as _: Score.Type, resetsScores: Bool
  ) -> [Segment] {
    guard !bytes.isEmpty else { return [] }
    var ends = [PathEnd<Score>](repeating: PathEnd(), count: bytes.count + 1)
    let unknown = Score(unknownScore)
    var start = 0
    var frontier = 0
    while start < bytes.count {
      if resetsScores, abs(ends[start].score) > 100_000 {
        let offset = ends[start].score
        for index in start...frontier where index == start || ends[index].start != nil {
          ends[index].score -= offset
        }
      }
      let here = ends[start].score
      let characterLength = min(
        SentencePieceNormalizer.characterLength(bytes[start]), bytes.count - start)
      var coversCharacter = false
      for length in 1...max(1, min(longestPiece, bytes.count - start)) {
        guard let id = matchable[bytes[start..<(start + length)]] else { continue }
        frontier = max(frontier, start + length)
        let candidate = pieceScore(id, length: length, as: Score.self) + here
        if ends[start + length].start == nil || candidate > ends[start + length].score {
          ends[start + length] = PathEnd(score: candidate, start: start, id: id)
        }
        if length == characterLength { coversCharacter = true }
      }
      if !coversCharacter {
        let end = start + characterLength
        frontier = max(frontier, end)
        let candidate = unknown + here
        if ends[end].start == nil || candidate > ends[end].score {
          ends[end] = PathEnd(score: candidate, start: start, id: specials.unknown)
        }
      }
      start += characterLength
    }
    var path: [Segment] = []
    var end = bytes.count
    while end > 0, let start = ends[end].start {
      path.append(Segment(range: start..<end, id: ends[end].id))
      end = start
    }
    return path.reversed()
  }

  /// A piece's score; sentencepiece scores a user-defined piece 0.1 per byte after the first,
  /// so that it is always chosen whole.
  private func pieceScore<Score: BinaryFloatingPoint>(
    _ id: Int, length: Int, as _: Score.Type
  ) -> Score {
    if types[id] == .userDefined, case .sentencePiece = flavor {
      return Score(Float(0.1 * Double(length - 1)))
    }
    return Score(scores[id])
  }

  /// The ids of a best path: runs of unknown pieces merged into one `<unk>`, or, with byte
  /// fallback, spelled as byte pieces (`<0xE2>`, `<0x80>`…) so that no text is lost.
  func ids(of path: [Segment], in bytes: [UInt8]) -> [Int] {
    var ids: [Int] = []
    var previousUnknown = false
    var unknownRun: [UInt8] = []
    func flushRun() {
      guard !unknownRun.isEmpty else { return }
      let spelled = unknownRun.compactMap { byteIDs[$0] }
      if byteFallback, spelled.count == unknownRun.count {
        ids += spelled
      } else if byteFallback, case .sentencePiece = flavor {
        ids += unknownRun.map { byteIDs[$0] ?? specials.unknown }
      } else {
        ids.append(specials.unknown)
      }
      unknownRun = []
    }
    for segment in path {
      let isUnknown = segment.id == specials.unknown
      if isUnknown {
        if !previousUnknown || byteFallback, case .sentencePiece = flavor { flushRun() }
        unknownRun += bytes[segment.range]
      } else {
        flushRun()
        ids.append(segment.id)
      }
      previousUnknown = isUnknown
    }
    flushRun()
    return ids
  }
}
