/// The character classes and token patterns of Stanford CoreNLP 3.4.1's `PTBLexer` (the
/// version the COCO caption toolkit ships), written with `LexerPattern`. The names follow the
/// macros of `PTBLexer.flex`; the rule list that uses them is `PTBRules`.
enum PTBGrammar {
    typealias P = LexerPattern

    // MARK: Character classes

    /// `SPACE`: horizontal white space, including no-break and ideographic spaces.
    static let spaceClass = CharacterClass.ranges([32...32, 9...9, 0xA0...0xA0, 0x2000...0x200A, 0x3000...0x3000])
    /// `DIGIT`.
    static let digitClass = CharacterClass.union([.digit, .ranges([0x07C0...0x07C9])])
    /// `LETTER`: Java letters plus soft hyphen and combining marks the lexer accepts in words.
    static let letterClass = CharacterClass.union([.letter, .ranges([
        0x00AD...0x00AD, 0x0237...0x024F, 0x02C2...0x02C5, 0x02D2...0x02DF, 0x02E5...0x02FF,
        0x0300...0x036F, 0x0370...0x037D, 0x0384...0x0385, 0x03CF...0x03CF, 0x03F6...0x03F6,
        0x03FC...0x03FF, 0x0483...0x0487, 0x04CF...0x04CF, 0x04F6...0x04FF, 0x0510...0x0525,
        0x055A...0x055F, 0x0591...0x05BD, 0x05BF...0x05BF, 0x05C1...0x05C2, 0x05C4...0x05C5,
        0x05C7...0x05C7, 0x0615...0x061A, 0x063B...0x063F, 0x064B...0x065E, 0x0670...0x0670,
        0x06D6...0x06EF, 0x06FA...0x06FF, 0x070F...0x070F, 0x0711...0x0711, 0x0730...0x074F,
        0x0750...0x077F, 0x07A6...0x07B1, 0x07CA...0x07F5, 0x07FA...0x07FA, 0x0900...0x0903,
        0x093C...0x093C, 0x093E...0x094E, 0x0951...0x0955, 0x0962...0x0963, 0x0981...0x0983,
        0x09BC...0x09C4, 0x09C7...0x09C8, 0x09CB...0x09CD, 0x09D7...0x09D7, 0x09E2...0x09E3,
        0x0A01...0x0A03, 0x0A3C...0x0A3C, 0x0A3E...0x0A4F, 0x0A81...0x0A83, 0x0ABC...0x0ACF,
        0x0B82...0x0B82, 0x0BBE...0x0BC2, 0x0BC6...0x0BC8, 0x0BCA...0x0BCD, 0x0C01...0x0C03,
        0x0C3E...0x0C56, 0x0D3E...0x0D44, 0x0D46...0x0D48, 0x0E30...0x0E3A, 0x0E47...0x0E4E,
        0x0EB1...0x0EBC, 0x0EC8...0x0ECD,
    ])])
    /// `[:letter:]|[:digit:]`, what `THING` builds words from.
    static let alphanumericClass = CharacterClass.union([.letter, .digit])
    /// `[A-Za-z0-9]`.
    static let asciiAlphanumericClass = CharacterClass.ranges([48...57, 65...90, 97...122])
    /// Characters that end a URL or an e-mail address.
    static let urlStopClass = CharacterClass.characters(" \t\n\u{0C}\r\"<>|(){}")

    // MARK: Building blocks

    static let space = P.character(spaceClass)
    static let spaces = P.oneOrMore(space)
    /// `NEWLINE`: `\r|\r?\n|\u2028|\u2029|\u000B|\u000C|\u0085`.
    static let newline = P.choice([
        .sequence([.optional(.anyOf("\r")), .anyOf("\n")]), .anyOf("\r\u{2028}\u{2029}\u{0B}\u{0C}\u{85}"),
    ])
    static let spaceOrNewline = P.choice([space, newline])
    static let digit = P.character(digitClass)
    static let letter = P.character(letterClass)
    static let asciiLetter = P.character(.asciiLetter)
    static let alphanumeric = P.character(alphanumericClass)
    static let asciiAlphanumeric = P.character(asciiAlphanumericClass)

    /// `SPLET`: `&[aeiouAEIOU](acute|grave|uml);`.
    static let splet = P.sequence([.text("&"), .anyOf("aeiouAEIOU"), .choice([.text("acute"), .text("grave"), .text("uml")]), .text(";")])
    /// `APOS`: straight apostrophe, right single quotes (CP1252 and Unicode), `&apos;`.
    static let apostrophe = P.choice([.anyOf("'\u{92}\u{2019}"), .text("&apos;")])
    /// `APOSETCETERA`: `APOS`, a backquote, or a left or reversed single quote.
    static let apostropheEtc = P.choice([apostrophe, .anyOf("`\u{91}\u{2018}\u{201B}")])
    /// `HYPHEN`.
    static let hyphen = P.anyOf("-_\u{058A}\u{2010}\u{2011}")

    /// `WORD`: letters and digits starting with a letter, possibly joined by `.`, `!` or `?`.
    static let wordPart = P.sequence([.choice([letter, splet]), .zeroOrMore(.choice([letter, splet, digit]))])
    static let word = P.sequence([wordPart, .zeroOrMore(.sequence([.anyOf(".!?"), wordPart]))])

    /// `NUM` and `NUMBER` (`[\-+]?{NUM}`).
    static let num = P.choice([
        .oneOrMore(digit),
        .sequence([.zeroOrMore(digit), .oneOrMore(.sequence([.anyOf(".:,\u{AD}\u{066B}\u{066C}"), .oneOrMore(digit)]))]),
    ])
    static let number = P.sequence([.optional(.anyOf("-+")), num])

    /// `REDAUX` (`'s`, `'m`, `'d`, `'re`, `'ve`, `'ll`), `SWORD` and `SREDAUX` (`n't`).
    static let reducedAuxiliary = P.sequence([apostrophe, .choice([.anyOf("msdMSD"), .text("re"), .text("ve"), .text("ll")])])
    static let negatableWord = P.sequence([
        .zeroOrMore(.character(.ranges([65...90, 97...122, 0xAD...0xAD]))),
        .character(.ranges([65...77, 79...90, 97...109, 111...122])),
        .zeroOrMore(.anyOf("\u{AD}")),
    ])
    static let negation = P.sequence([.text("n"), apostropheEtc, .text("t")])

    /// The fixed acronym forms: `Canada-U.S`, `non-U.S`, `U.S.-U.K`, `U.S.-U.S.S.R`.
    private static let acroFixedForms: [P] = [
        .sequence([.choice(["Canada", "Sino", "Korean", "EU", "Japan", "non"].map(P.text)), .text("-U.S")]),
        .sequence([.text("U.S.-"), .choice([.text("U.K"), .text("U.S.S.R")])]),
    ]
    /// `ACRO`: single letters joined by periods (`U.S`, `a.m`, also one letter), plus the fixed forms.
    static let acro = P.choice([.sequence([asciiLetter, .zeroOrMore(.sequence([.text("."), asciiLetter]))])] + acroFixedForms)
    /// `ACRO2`: `ACRO` with at least two letters.
    static let acroOfTwoOrMore = P.choice([.sequence([asciiLetter, .oneOrMore(.sequence([.text("."), asciiLetter]))])] + acroFixedForms)

    /// Alternatives from a `|`-separated list of caseless words; a leading `[X]` makes the
    /// first letter case-sensitive, as JFlex character classes are.
    static func words(_ list: String) -> P {
        .choice(list.split(separator: "|").map { item -> P in
            if item.hasPrefix("["), let close = item.firstIndex(of: "]") {
                let first = String(item[item.index(after: item.startIndex)..<close])
                return .sequence([.anyOf(first), .text(String(item[item.index(after: close)...]))])
            }
            return .text(String(item))
        })
    }

    // MARK: Abbreviations

    /// `ABBREV1`: abbreviations normally followed by a lower-case word (months, days, states,
    /// company words, `etc.`); before an upper-case word they also end the sentence.
    static let abbreviationFollowedByLowerCase = P.sequence([.choice([
        words("Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"),
        words("Mon|Tue|Tues|Wed|Thu|Thurs|Fri"),
        words("Ala|Ariz|[A]z|[A]rk|Calif|Colo|Conn|Ct|Dak|[D]el|Fla|Ga|[I]ll|Ind|Kans|Kan|Ky|[L]a|[M]ass|Md|Mich|Minn|[M]iss|Mo|Mont|Neb|Nev|Okla|[O]re|[P]a|Penn|Tenn|[T]ex|Va|Vt|[W]ash|Wisc|Wis|Wyo"),
        words("Inc|Cos|Co|Corp|Ppty|Pptys|Ppte|Pptes|Pty|Ptys|Pte|Ptes|Ltd|Plc|Rt|Bancorp|Bhd|Assn|Univ|Intl|Sys"),
        words("tel|est|ext|sq"),
        words("Jr|Sr|Bros|Blvd|Rd|Esq"),
        .sequence([words("Ed|Ph"), .text(".D")]),
        words("etc|al|seq|Bldg"),
    ]), .text(".")])

    /// `ABBREV2`: abbreviations normally followed by an upper-case word (titles, single
    /// letters, acronyms such as `U.S.`).
    static let abbreviationFollowedByUpperCase = P.sequence([.choice([
        asciiLetter,
        words("Mr|Mrs|Ms|[M]iss|Drs|Dr|Profs|Prof|Sens|Sen|Reps|Rep|Attys|Atty|Lt|Col|Gen|Messrs|Govs|Gov|Adm|Rev|Maj|Sgt|Cpl|Pvt|Capt|Ste|St|Ave|Pres|Lieut|Hon|Brig|Comdr|Cmdr|Pfc|Spc|Supts|Supt|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|Mlle|Mme|Msgr|Sfc"),
        words("vs|Alex|Wm|Jos|Cie|a.k.a|cf|TREAS|Ph"),
        acro,
        words("Invt|Elec|Natl|Mfg|Mtg|Dept"),
    ]), .text(".")])

    /// `ABBREV3`: abbreviations kept whole only before a number (`no. 5`, `fig. 3`).
    static let abbreviationBeforeNumber = P.sequence([words("ca|figs|fig|prop|nos|no|art|bldg|pp|op"), .text(".")])

    /// Words after which an acronym's period also ends the sentence (first letter upper case).
    static let sentenceStarters = words("[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[E]arlier|[H]e|[H]er|[H]ere|[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r.|[M]s.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|[W]hile|[W]hat|[Y]et|[Y]ou")

    private static let tagName = P.sequence([asciiLetter, .zeroOrMore(.character(.union([.asciiLetter, .ranges([48...57]), .characters("_:.-")])))])
    private static let tagSpace = P.zeroOrMore(.text(" "))
    /// `SGML`: a tag such as `<b>`, `</b>`, `<br/>`, `<a href="x">`, `<!DOCTYPE ...>`; attribute
    /// values must be quoted, and a tag does not cross a line.
    static let sgml = P.sequence([
        .text("<"),
        .choice([
            .sequence([.anyOf("!?"), .character(.union([.asciiLetter, .characters("-")])), .zeroOrMore(.character(.negated(.characters(">\r\n"))))]),
            .sequence([
                tagName,
                .zeroOrMore(.sequence([
                    .oneOrMore(.text(" ")), tagName,
                    .optional(.sequence([tagSpace, .text("="), tagSpace, .choice([
                        .sequence([.text("'"), .zeroOrMore(.character(.negated(.characters("'\r\n")))), .text("'")]),
                        .sequence([.text("\""), .zeroOrMore(.character(.negated(.characters("\"\r\n")))), .text("\"")]),
                    ])])),
                ])),
                tagSpace, .optional(.text("/")),
            ]),
            .sequence([.text("/"), tagName]),
        ]),
        tagSpace, .text(">"),
    ])
    /// `SENTEND`: space or newline, then space, newline, an upper-case ASCII letter or a tag.
    static let sentenceEnd = P.sequence([spaceOrNewline, .choice([spaceOrNewline, .character(.ranges([65...90])), sgml])])
}
