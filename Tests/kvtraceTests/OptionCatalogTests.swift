// Each option is declared once (OptionCatalog); the help and the parsed values come from it.

import KVTrace
import Testing

@testable import KVTraceRender
@testable import kvtrace

@Suite(.tags(.unit)) struct OptionCatalogTests {
  /// With no options, `run` uses exactly the declared defaults.
  @Test func noOptionsGiveTheDeclaredDefaults() throws {
    let options = try ExportSizeTests.options([])
    typealias O = OptionCatalog
    #expect(options.prompt == O.prompt.defaultValue)
    #expect(options.steps == O.steps.defaultValue)
    #expect(Int(options.seed) == O.seed.defaultValue)
    #expect(options.config.layers == O.layers.defaultValue)
    #expect(options.config.heads == O.heads.defaultValue)
    #expect(options.config.kvHeads == options.config.heads)
    #expect(options.config.dim == options.config.heads * O.dimPerHead)
    #expect(options.config.contextLength == O.context.defaultValue)
    #expect(options.sampling.temperature == O.temperature.defaultValue)
    #expect(options.sampling.topK == O.topK.defaultValue)
    #expect(
      options.focus.layer == O.layer.defaultValue && options.focus.head == O.head.defaultValue)
    #expect(options.detail == O.detail.defaultValue)
    #expect(options.policy.info.name == O.cache.defaultValue)
    #expect(options.reference.info.name == O.against.defaultValue)
    #expect(options.architecture.architecture == O.arch.defaultValue)
    #expect(options.architecture.crossAttention == O.cross.defaultValue)
  }

  /// Every option a command lists is one of the catalog's declarations, and every
  /// declared default the help quotes is the one parsed.
  @Test func theHelpQuotesTheDeclaredDefaults() {
    let specs = CommandSpecs.parser.commands.flatMap(\.options)
    for spec in specs {
      #expect(!spec.help.isEmpty, "--\(spec.name)")
    }
    typealias O = OptionCatalog
    for option in [
      O.steps, O.seed, O.layers, O.heads, O.context, O.runs, O.tokens,
    ] {
      #expect(
        option.spec.help.contains("(default \(option.defaultValue ?? -1))"), "\(option.spec.name)")
    }
    // The drawn head's default is the run's clearest induction head, else layer 0 head 0.
    #expect(
      O.layer.spec.help.contains("(default: the run's clearest induction head, else layer 0)"))
    #expect(O.head.spec.help.contains("(default: with --layer, head 0)"))
    for option in [O.cache, O.against, O.shape] {
      #expect(option.spec.help.contains("(default \(option.defaultValue)"), "\(option.spec.name)")
    }
  }
}

/// `kvtrace step --help` describes the walk-through's keys in prose; it must name
/// every key the bindings list.
@Test(.tags(.unit)) func theStepHelpNamesEveryKey() throws {
  let help = CommandSpecs.parser.helpText(for: "step")
  let keys = try #require(help.components(separatedBy: "Keys:").last)
  for row in KVTraceRender.KeyBindings.rows {
    for (key, _) in row.listed {
      let label = KVTraceRender.KeyBindings.label(key, Glyphs.ascii.keys)
      #expect(keys.contains(label), "\(label)")
    }
  }
}
