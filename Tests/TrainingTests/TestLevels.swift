// The level tags (.unit, .oracle, .golden, .endToEnd) are declared once, in GoldenFiles
// (Tests/GoldenFiles/TestLevels.swift, which also says how to run one level); this makes
// them visible in every file of this test target.
@_exported import GoldenFiles
