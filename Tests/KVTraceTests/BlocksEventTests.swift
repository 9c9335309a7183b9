import KVTrace
import Testing
import TinyTransformer

/// A paged trace's `blocks` events: written and read back exactly, and a damaged
/// table refused with the line, the path and what is wrong.
@Suite(.tags(.unit)) struct BlocksEventTests {
  /// `paged:4`, one decode step, summary: the prefill's blocks are line 91, step 1's line 111.
  static let document: String = {
    let trace = try? Demo.trace(steps: 1, policy: PagedCache(blockSize: 4), detail: .summary)
    return trace.map { String(decoding: TraceEncoder.encode($0, as: .json), as: UTF8.self) } ?? ""
  }()

  @Test func theBlocksLineIsWhereTheCasesExpectIt() {
    let lines = Self.document.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(
      lines[90]
        == #"{"type":"blocks","step":0,"blockSize":4,"table":[2,1,0],"allocated":[2,1,0],"#
        + #""blocksInUse":3,"capacity":3,"references":[1,1,1]},"#)
    #expect(lines[110].hasPrefix(#"{"type":"blocks","step":1,"#))
  }

  @Test(arguments: [
    (
      #""table":[2,1,0],"allocated":[2"#, #""table":[2,1],"allocated":[2"#, "$.events[89].table",
      "the table has 2 blocks, but 10 positions in blocks of 4 take 3"
    ),
    (
      #""table":[2,1,0],"allocated":[2"#, #""table":[2,1,3],"allocated":[2"#,
      "$.events[89].table[2]", "block 3 is out of range: the pool has blocks 0 to 2"
    ),
    (
      #""table":[2,1,0],"allocated":[2"#, #""table":[2,1,1],"allocated":[2"#, "$.events[89].table",
      "a physical block appears twice"
    ),
    (
      #""allocated":[2,1,0],"blocksInUse":3,"capacity":3"#,
      #""allocated":[2,1,0,3],"blocksInUse":3,"capacity":4"#, "$.events[89].allocated",
      "block 3 was allocated but is not in the table"
    ),
    (
      #""step":0,"blockSize""#, #""step":0,"sequence":1,"blockSize""#, "$.events[89].sequence",
      "a trace of one prompt has only sequence 0"
    ),
    (
      #""references":[1,1,1]"#, #""references":[1,2,1]"#, "$.events[89].references[1]",
      "reference count 2 is out of range: a block is held by 1 to 1 sequences"
    ),
    (#""blockSize":4"#, #""blockSize":0"#, "$.events[89].blockSize", "blockSize 0 is out of range"),
    (#""capacity":3,"#, #""capacity":3,"free":0,"#, "$.events[89]", "unknown field 'free'"),
  ])
  func aDamagedTableIsRefused(_ old: String, _ new: String, _ path: String, _ words: String)
    throws
  {
    let bad = Self.document.editing(line: 91, old, new)
    let error = try #require(decodingError(Array(bad.utf8)))
    #expect(error.line == 91, "\(error)")
    #expect(error.path == path, "\(error)")
    #expect(error.description.contains(words), "\(error)")
  }
}
