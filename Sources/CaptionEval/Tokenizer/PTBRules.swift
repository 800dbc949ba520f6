/// What the lexer does with the text a rule matched.
enum LexerAction: Sendable {
    /// Emit the matched text unchanged.
    case keep
    /// Emit a fixed replacement (`-LRB-`, `--`, `...`).
    case replace(String)
    /// Emit the text without soft hyphens (U+00AD).
    case removeSoftHyphens
    /// Emit the text with `&amp;` turned into `&`.
    case normalizeAmpersand
    /// Emit all but the last `count` code units, which are scanned again (`cannot` -> `can`).
    case splitOff(count: Int)
    /// Emit the text with quotes in LaTeX style (`` ` `` and `` `` `` on the left, `'` and
    /// `''` on the right); `probablyLeft` says which way straight quotes turn.
    case quotes(probablyLeft: Bool)
    /// Emit the text with spaces turned into no-break spaces (tags, fractions, phone numbers);
    /// `parentheses` also turns `(` `)` into `-LRB-` `-RRB-`.
    case noBreakSpaces(parentheses: Bool)
    /// Emit a composed fraction character spelled out (`½` -> `1/2`).
    case fractionCharacter
    /// Emit a currency sign in PTB form (`£` -> `#`, `€` -> `$`, `¢` -> `cents`).
    case currency
    /// Emit the text with `(` `)` turned into `-LRB-` `-RRB-` (smileys).
    case parentheses
    /// An acronym ending a sentence: `U.S.` is emitted and its period scanned again; a single
    /// letter (`A.`) is emitted without the period.
    case acronymEndingSentence
    /// An abbreviation ending a sentence: emitted with its period, which is scanned again.
    case abbreviationEndingSentence
    /// Hyphens: three or four become `--`.
    case hyphens
    /// Emit `...`.
    case ellipsis
    /// White space: no token.
    case skip
    /// A line break: ends the current caption.
    case newline
    /// A code unit no rule knows: dropped, as CoreNLP's default `untokenizable=firstDelete`.
    case untokenizable
}

/// One rule of the lexer: a pattern, an optional trailing context that must follow it (and is
/// not consumed), and the action. Rules are tried in order; the longest match (counting the
/// trailing context) wins, and the earlier rule wins a tie. A class, so scanning shares rules
/// instead of copying their patterns.
final class LexerRule: Sendable {
    let pattern: LexerPattern
    let trailing: LexerPattern?
    let action: LexerAction
    /// The code units a match can start with: rules that cannot start at the current unit
    /// are not tried.
    let firstUnits: FirstUnitFilter

    init(_ pattern: LexerPattern, followedBy trailing: LexerPattern? = nil, _ action: LexerAction) {
        self.pattern = pattern
        self.trailing = trailing
        self.action = action
        self.firstUnits = FirstUnitFilter(pattern)
    }
}

/// The ordered rule list of CoreNLP 3.4.1's `PTBLexer` with the options the COCO toolkit uses
/// (`-preserveLines -lowerCase`: PTB3 escaping, LaTeX quotes, no Americanization, no escaping
/// of `/` and `*`), as far as caption text reaches it.
enum PTBRules {
    typealias P = LexerPattern
    typealias G = PTBGrammar

    private static let alphanumeric = G.alphanumeric
    /// The optional `d'`, `o'`, `l'` start of a `THING` part, with the letter after it.
    private static let apostrophePrefix = P.optional(.sequence([.anyOf("dDoOlL"), G.apostropheEtc, alphanumeric]))

    /// `THING`: letters and digits joined by hyphens (`3-year-old`, `x-ray`), with an optional
    /// `d'`, `o'`, `l'` prefix on each part (`o'clock`, `d'Avignon`).
    static let thing = P.sequence([
        apostrophePrefix, .oneOrMore(alphanumeric),
        .zeroOrMore(.sequence([G.hyphen, apostrophePrefix, .oneOrMore(alphanumeric)])),
    ])
    /// `HTHING`: hyphenated words that may hold periods and commas before the first hyphen.
    static let hyphenatedThing = P.sequence([
        G.asciiAlphanumeric, .zeroOrMore(.choice([G.asciiAlphanumeric, .anyOf(".,\u{AD}")])),
        .oneOrMore(.sequence([.text("-"), .choice([
            .oneOrMore(.choice([G.asciiAlphanumeric, .anyOf("\u{AD}")])),
            .sequence([G.acroOfTwoOrMore, .text(".")]),
        ])])),
    ])
    /// `THING3`: slash compounds (`and/or`, `24/7`).
    static let slashThing = P.sequence([
        .oneOrMore(G.asciiAlphanumeric), .repetition(.sequence([.text("-"), .oneOrMore(G.asciiLetter)]), minimum: 0, maximum: 2),
        .repetition(.sequence([
            .optional(.text("\\")), .text("/"), .oneOrMore(G.asciiAlphanumeric),
            .repetition(.sequence([.text("-"), .oneOrMore(G.asciiLetter)]), minimum: 0, maximum: 2),
        ]), minimum: 1, maximum: 2),
    ])
    /// `THINGA`: upper-case letters joined by `&` or `+` (`AT&T`).
    static let ampersandThing = P.sequence([
        .oneOrMore(.character(.ranges([65...90]))),
        .oneOrMore(.sequence([.choice([.anyOf("+&"), .text("&amp;")]), .oneOrMore(.character(.ranges([65...90])))])),
    ])
    /// `APOWORD`: words with an inner apostrophe that stay whole (`ma'am`, `'em`, `'90s`).
    static let apostropheWord = P.choice([
        .sequence([G.apostrophe, .text("n"), .optional(G.apostrophe)]),
        .sequence([.anyOf("lLdDjJ"), G.apostrophe]),
        .sequence([.text("Dunkin"), G.apostrophe]), .sequence([.text("somethin"), G.apostrophe]),
        .sequence([.text("ol"), G.apostrophe]), .sequence([G.apostrophe, .text("em")]),
        .sequence([.character(.ranges([65...72, 74...88, 90...90, 110...110])), G.apostropheEtc, .repetition(.character(.letter), minimum: 2, maximum: .max)]),
        .sequence([G.apostrophe, .character(.ranges([50...57])), .text("0s")]),
        .sequence([G.apostrophe, .text("til"), .optional(.text("l"))]),
        .sequence([.oneOrMore(.character(.letter)), .anyOf("aeiouyAEIOUY"), G.apostropheEtc, .character(.ranges([97...97, 101...101, 105...105, 111...111, 117...117, 65...90])), .zeroOrMore(.character(.letter))]),
        .sequence([G.apostrophe, .text("cause")]),
        .sequence([.text("cont'd"), .optional(.text("."))]),
        .text("nor'easter"), .text("c'mon"), .text("e'er"), .text("s'mores"), .text("ev'ry"), .text("li'l"), .text("nat'l"),
    ])
    /// `DATE`: `12/25/2010`, `1-2-99`.
    static let date = P.sequence([
        .repetition(G.digit, minimum: 1, maximum: 2), .anyOf("-/"), .repetition(G.digit, minimum: 1, maximum: 2),
        .anyOf("-/"), .repetition(G.digit, minimum: 2, maximum: 4),
    ])
    /// `FRAC`: `3/4`, `1 1/2`, `12-3/4`.
    static let fraction = P.sequence([
        .optional(.sequence([.repetition(G.digit, minimum: 1, maximum: 4), .anyOf("- \u{A0}")])),
        .repetition(G.digit, minimum: 1, maximum: 4), .choice([.sequence([.optional(.text("\\")), .text("/")]), .anyOf("\u{2044}")]),
        .repetition(G.digit, minimum: 1, maximum: 4),
    ])
    private static let ascii09 = P.character(.ranges([48...57]))
    private static func asciiDigits(_ minimum: Int, _ maximum: Int) -> P { .repetition(ascii09, minimum: minimum, maximum: maximum) }
    /// `PHONE`: `(555) 123-4567`, `555-123-4567`, `555.123.4567`.
    static let phone = P.choice([
        .sequence([
            .choice([
                .sequence([.text("("), asciiDigits(2, 3), .text(")"), .optional(.anyOf(" \u{A0}"))]),
                .sequence([.repetition(.text("+"), minimum: 0, maximum: 2), .optional(.sequence([asciiDigits(2, 4), .anyOf("- \u{A0}")])), asciiDigits(2, 4), .anyOf("- \u{A0}")]),
            ]),
            asciiDigits(3, 4), .optional(.anyOf("- \u{A0}")), asciiDigits(3, 5),
        ]),
        .sequence([
            .optional(.sequence([.repetition(.text("+"), minimum: 0, maximum: 2), asciiDigits(2, 4), .text(".")])),
            asciiDigits(2, 4), .text("."), asciiDigits(3, 4), .text("."), asciiDigits(3, 5),
        ]),
    ])
    /// `FULLURL`, `LIKELYURL`, `EMAIL`.
    static let fullURL = P.sequence([
        .choice([.text("http://"), .text("https://"), .text("ftp://")]),
        .oneOrMore(.character(.negated(G.urlStopClass))),
        .character(.negated(.union([G.urlStopClass, .characters(".!?{},-")]))),
    ])
    static let likelyURL = P.sequence([
        .choice([
            .sequence([.text("www."), .oneOrMore(.sequence([.oneOrMore(.character(.negated(.union([G.urlStopClass, .characters(".!?{},")])))), .text(".")])), .repetition(G.asciiLetter, minimum: 2, maximum: 4)]),
            .sequence([.oneOrMore(.sequence([.oneOrMore(.character(.negated(.union([G.urlStopClass, .characters("`'.!?{},"), .ranges([44...95]), .characters("$")])))), .text(".")])), G.words("com|net|org|edu")]),
        ]),
        .optional(.sequence([
            // The path may hold braces, unlike the rest of a URL.
            .text("/"), .oneOrMore(.character(.negated(.characters(" \t\n\u{0C}\r\"<>|()")))),
            .character(.negated(.union([G.urlStopClass, .characters(".!?{},-")]))),
        ])),
    ])
    private static let emailStop = CharacterClass.union([G.urlStopClass, .characters("\u{A0}")])
    static let email = P.sequence([
        .optional(.choice([.text("<"), .text("&lt;")])),
        G.asciiAlphanumeric, .zeroOrMore(.character(.negated(emailStop))), .text("@"),
        .zeroOrMore(.sequence([.oneOrMore(.character(.negated(.union([emailStop, .characters(".")])))), .text(".")])),
        .oneOrMore(.character(.negated(.union([emailStop, .characters(".")])))),
        .optional(.choice([.text(">"), .text("&gt;")])),
    ])
    /// `FILENAME`: `photo.jpg`, `a.b.txt`, followed by white space or `.?!,`.
    static let fileName = P.sequence([
        .oneOrMore(alphanumeric), .zeroOrMore(.sequence([.text("."), .oneOrMore(alphanumeric)])), .text("."),
        G.words("bat|bmp|bz2|c|class|cgi|cpp|dll|doc|docx|exe|gif|gz|h|htm|html|jar|java|jpeg|jpg|mov|mp3|pdf|php|pl|png|ppt|ps|py|sql|tar|txt|wav|x|xml|zip|3gp|wmv|wma|avi|flv|mp4|mpg"),
    ])
    static let fileNameEnd = P.choice([G.spaceOrNewline, .anyOf(".?!,")])

    /// `TWITTER`: `@name`, `#topic`.
    static let twitter = P.choice([
        .sequence([.text("@"), .character(.union([.asciiLetter, .characters("_")])), .zeroOrMore(.character(.union([.asciiLetter, .characters("_"), .ranges([48...57])])))]),
        .sequence([.text("#"), .oneOrMore(G.letter)]),
    ])
    /// `SMILEY` and `ASIANSMILEY`.
    static let smiley = P.sequence([.optional(.anyOf("<>")), .anyOf(":;="), .optional(.anyOf("-o*'")), .anyOf("()DPdpO\\{@|[]")])
    static let asianSmiley = P.choice([
        .sequence([.anyOf("-^x=~<>'"), .text("_"), .anyOf("-^x=~<>'")]),
        .sequence([.text("("), .anyOf("-^x=~<>'"), .optional(.anyOf("_.")), .anyOf("-^x=~<>'"), .text(")")]),
        .sequence([.text("("), .anyOf("^x=~<>'"), .text("-"), .anyOf("^x=~<>'`"), .text(")")]),
    ])
    /// `QUOTES`: apostrophes, `''`, and one or two curly or angle quotes.
    static let quotes = P.choice([
        G.apostrophe, .text("''"),
        .repetition(.anyOf("`\u{2018}\u{2019}\u{201A}\u{201B}\u{201C}\u{201D}\u{91}\u{92}\u{93}\u{94}\u{201E}\u{201F}\u{2039}\u{203A}\u{AB}\u{BB}"), minimum: 1, maximum: 2),
    ])
    /// `MISCSYMBOL`.
    static let miscellaneousSymbol = P.character(.union([.characters("+%&~^|\\¦§¨©¬®¯×÷"), .ranges([
        0xB0...0xBA, 0x0387...0x0387, 0x05BE...0x05BE, 0x05C0...0x05C0, 0x05C3...0x05C3, 0x05C6...0x05C6,
        0x05F3...0x05F4, 0x0600...0x0603, 0x0606...0x060A, 0x060C...0x060C, 0x0614...0x0614, 0x061B...0x061B,
        0x061E...0x061E, 0x066A...0x066A, 0x066D...0x066D, 0x0703...0x070D, 0x07F6...0x07F8, 0x0964...0x0965,
        0x0E4F...0x0E4F, 0x1FBD...0x1FBD, 0x2016...0x2017, 0x2020...0x2023, 0x2030...0x2038, 0x203B...0x203B,
        0x203E...0x2042, 0x2044...0x2044, 0x207A...0x207F, 0x208A...0x208E, 0x2100...0x214F, 0x2190...0x21FF,
        0x2200...0x2BFF, 0x3012...0x3012, 0x30FB...0x30FB, 0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40,
        0xFF5B...0xFF65,
    ])]))

    private static let insentencePunctuation = P.anyOf(",;:\u{3001}")

    /// The rules in the lexer's order.
    static let all: [LexerRule] = [
        LexerRule(.choice([.text("c++"), .text("c#"), .text("f#")]), .keep),
        LexerRule(.choice([.text("cannot"), .text("'twas")]), .splitOff(count: 3)),
        LexerRule(.choice([.sequence([G.apostrophe, .text("tis")]), .text("gonna"), .text("gotta"), .text("lemme"), .text("gimme"), .text("wanna")]), .splitOff(count: 2)),
        LexerRule(G.sgml, .noBreakSpaces(parentheses: false)),
        LexerRule(.choice([.sequence([.text("&"), G.words("MD|mdash|ndash"), .text(";")]), .anyOf("\u{96}\u{97}\u{2013}\u{2014}\u{2015}")]), .replace("--")),
        LexerRule(.text("&amp;"), .normalizeAmpersand),
        LexerRule(.sequence([.text("&"), .choice([G.words("HT|TL|UR|LR|QC|QL|QR|odq|cdq"), .sequence([.text("#"), .oneOrMore(ascii09)])]), .text(";")]), .keep),
        LexerRule(G.word, followedBy: G.reducedAuxiliary, .removeSoftHyphens),
        LexerRule(G.negatableWord, followedBy: G.negation, .removeSoftHyphens),
        LexerRule(G.word, .removeSoftHyphens),
        LexerRule(apostropheWord, .keep),
        LexerRule(.sequence([.text("y"), G.apostrophe]), followedBy: .character(.letter), .keep),
        LexerRule(fullURL, .keep),
        LexerRule(likelyURL, .keep),
        LexerRule(email, .keep),
        LexerRule(twitter, .keep),
        LexerRule(G.reducedAuxiliary, followedBy: .character(.negated(.asciiLetter)), .quotes(probablyLeft: false)),
        LexerRule(G.negation, .quotes(probablyLeft: false)),
        LexerRule(date, .keep),
        LexerRule(G.number, .removeSoftHyphens),
        LexerRule(.sequence([.optional(.anyOf("\u{207A}\u{207B}\u{208A}\u{208B}")), .choice([.oneOrMore(.anyOf("\u{2070}\u{B9}\u{B2}\u{B3}\u{2074}\u{2075}\u{2076}\u{2077}\u{2078}\u{2079}")), .oneOrMore(.character(.ranges([0x2080...0x2089])))])]), .keep),
        LexerRule(fraction, .noBreakSpaces(parentheses: false)),
        LexerRule(.anyOf("\u{BC}\u{BD}\u{BE}\u{2153}\u{2154}\u{2155}\u{2156}\u{2157}\u{2158}\u{2159}\u{215A}\u{215B}\u{215C}\u{215D}\u{215E}"), .fractionCharacter),
        LexerRule(.choice([
            .sequence([.text("-"), G.words("RRB|LRB|RCB|LCB|RSB|LSB"), .text("-")]), .text("C.D.s"), .text("pro-"), .text("anti-"),
            .sequence([.text("S"), .choice([.text("&"), .text("&amp;")]), .choice([.text("P-500"), .text("Ls")])]),
            .sequence([.text("Cap"), G.apostrophe, .text("n")]), .sequence([.text("c"), G.apostrophe, .text("est")]),
        ]), .normalizeAmpersand),
        LexerRule(slashThing, .keep),
        LexerRule(.choice([.sequence([.zeroOrMore(.character(.ranges([65...90]))), .text("$")]), .text("#")]), .keep),
        LexerRule(.anyOf("\u{A2}\u{A3}\u{A4}\u{A5}\u{80}\u{20A0}\u{20AC}\u{060B}\u{0E3F}\u{20A4}\u{FFE0}\u{FFE1}\u{FFE5}\u{FFE6}"), .currency),
        LexerRule(.sequence([G.acro, .text(".")]), followedBy: .sequence([.oneOrMore(G.spaceOrNewline), .choice([G.sentenceStarters, G.sgml]), G.spaceOrNewline]), .acronymEndingSentence),
        LexerRule(G.abbreviationBeforeNumber, followedBy: .sequence([.optional(G.spaceOrNewline), .character(.digit)]), .keep),
        LexerRule(G.abbreviationFollowedByLowerCase, followedBy: G.sentenceEnd, .abbreviationEndingSentence),
        LexerRule(G.abbreviationFollowedByLowerCase, followedBy: .repetition(.character(.negated(.ranges([]))), minimum: 2, maximum: 2), .keep),
        LexerRule(G.abbreviationFollowedByLowerCase, .keep),
        LexerRule(G.abbreviationFollowedByUpperCase, .keep),
        LexerRule(.choice([G.abbreviationFollowedByUpperCase.withoutFinalPeriod, G.acro]), followedBy: G.space, .keep),
        LexerRule(G.acro, followedBy: G.spaceOrNewline, .keep),
        LexerRule(.sequence([G.apostrophe, ascii09, ascii09]), followedBy: G.spaceOrNewline, .keep),
        LexerRule(fileName, followedBy: fileNameEnd, .keep),
        LexerRule(.sequence([G.word, .text(".")]), followedBy: insentencePunctuation, .removeSoftHyphens),
        LexerRule(phone, .noBreakSpaces(parentheses: true)),
        LexerRule(.choice([.text("\""), .text("&quot;")]), followedBy: .character(.union([G.asciiAlphanumericClass, .characters("$")])), .quotes(probablyLeft: true)),
        LexerRule(.choice([.text("\""), .text("&quot;")]), .quotes(probablyLeft: false)),
        LexerRule(.choice([.text("<"), .text("&lt;")]), .replace("<")),
        LexerRule(.choice([.text(">"), .text("&gt;")]), .replace(">")),
        LexerRule(smiley, followedBy: .character(.negated(G.asciiAlphanumericClass)), .parentheses),
        LexerRule(asianSmiley, .parentheses),
        LexerRule(.text("{"), .replace("-LCB-")),
        LexerRule(.text("}"), .replace("-RCB-")),
        LexerRule(.text("["), .replace("-LSB-")),
        LexerRule(.text("]"), .replace("-RSB-")),
        LexerRule(.text("("), .replace("-LRB-")),
        LexerRule(.text(")"), .replace("-RRB-")),
        LexerRule(.oneOrMore(.text("-")), .hyphens),
        LexerRule(.choice([.repetition(.text("."), minimum: 3, maximum: 5), .sequence([.repetition(.sequence([.text("."), .anyOf(" \u{A0}")]), minimum: 2, maximum: 4), .text(".")]), .anyOf("\u{85}\u{2026}")]), .ellipsis),
        LexerRule(.choice([.oneOrMore(.text("@")), .oneOrMore(.text("#")), .oneOrMore(.text("_"))]), .keep),
        LexerRule(.choice([.oneOrMore(.text("*")), .repetition(.text("\\*"), minimum: 1, maximum: 3)]), .keep),
        LexerRule(insentencePunctuation, .keep),
        LexerRule(.oneOrMore(.anyOf("?!")), .keep),
        LexerRule(.anyOf(".¡¿\u{037E}\u{0589}\u{061F}\u{06D4}\u{0700}\u{0701}\u{0702}\u{07FA}\u{3002}"), .keep),
        LexerRule(.text("="), .keep),
        LexerRule(.text("/"), .keep),
        LexerRule(.sequence([hyphenatedThing, .text(".")]), followedBy: insentencePunctuation, .removeSoftHyphens),
        LexerRule(hyphenatedThing, .removeSoftHyphens),
        LexerRule(.sequence([thing, .text(".")]), followedBy: insentencePunctuation, .keep),
        LexerRule(thing, .keep),
        LexerRule(.sequence([ampersandThing, .text(".")]), followedBy: insentencePunctuation, .normalizeAmpersand),
        LexerRule(ampersandThing, .normalizeAmpersand),
        LexerRule(.text("'"), followedBy: .sequence([G.asciiLetter, .character(.negated(.characters(" \t\n\r\u{A0}")))]), .quotes(probablyLeft: true)),
        LexerRule(G.reducedAuxiliary, .quotes(probablyLeft: false)),
        LexerRule(quotes, .quotes(probablyLeft: false)),
        LexerRule(.choice([.text("<<"), .text(">>")]), .keep),
        LexerRule(miscellaneousSymbol, .keep),
        LexerRule(.choice([.anyOf("\u{0}\u{200B}\u{200E}\u{200F}\u{FEFF}"), G.spaces]), .skip),
        LexerRule(G.newline, .newline),
        LexerRule(.text("&nbsp;"), .skip),
        LexerRule(.character(.negated(.ranges([]))), .untokenizable),
    ]
}

extension LexerPattern {
    /// The pattern without its final element (used to get `ABBREV4` from `ABBREV2 = ABBREV4\.`).
    var withoutFinalPeriod: LexerPattern {
        if case .sequence(let parts) = self, parts.count > 1 {
            return .sequence(Array(parts.dropLast()))
        }
        return self
    }
}
