import CaptionEval
import Testing

@Suite struct JSONReaderTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONReader.parse(Array(text.utf8), path: "test.json")
    }

    private func failure(_ text: String) -> EvaluationError? {
        do {
            _ = try JSONReader.parse(Array(text.utf8), path: "test.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}, "c": []} "#)
        #expect(value["a"] == .array([.integer(1), .number(-2500), .bool(true), .bool(false), .null, .string("x\"\\/\u{8}\u{C}\n\r\té😀")]))
        #expect(value["b"] == .object([]))
        #expect(value["c"] == .array([]))
        // Too large for Int: read as a Double.
        #expect(try parse("12345678901234567890") == .number(1.2345678901234567e19))
        #expect(try parse("\u{FEFF}[]") == .array([]))
    }

    @Test func keepsMemberOrderAndTakesTheLastRepeatedKey() throws {
        let value = try parse(#"{"z": 1, "a": 2, "z": 3}"#)
        #expect(value.objectMembers?.map(\.key) == ["z", "a", "z"])
        #expect(value["z"] == .integer(3))
    }

    @Test func reportsLineAndColumn() {
        #expect(failure("[1,\n 2,\n 3 4]") == .malformedJSON(path: "test.json", line: 3, column: 4, reason: "expected ',' or ']' in array, found '4'"))
        #expect(failure("{\"é\": x}") == .malformedJSON(path: "test.json", line: 1, column: 7, reason: "unexpected character 'x', expected a value"))
        #expect(failure("[1, 2") == .malformedJSON(path: "test.json", line: 1, column: 6, reason: "expected ',' or ']' in array, found end of file"))
        #expect(failure("\"abc") == .malformedJSON(path: "test.json", line: 1, column: 5, reason: "unterminated string"))
        #expect(failure("[01]") == .malformedJSON(path: "test.json", line: 1, column: 3, reason: "invalid number: leading zero"))
        #expect(failure("[1] x") == .malformedJSON(path: "test.json", line: 1, column: 5, reason: "unexpected text after the JSON value"))
        #expect(failure("\"\\x\"") == .malformedJSON(path: "test.json", line: 1, column: 3, reason: "invalid escape '\\'x'' in string"))
        #expect(failure(" \n ") == .emptyFile(path: "test.json"))
    }

    @Test func refusesTooDeepNesting() {
        let deep = String(repeating: "[", count: JSONReader.maximumDepth + 1) + String(repeating: "]", count: JSONReader.maximumDepth + 1)
        guard case .malformedJSON(_, _, _, let reason)? = failure(deep) else {
            Issue.record("expected a nesting error")
            return
        }
        #expect(reason.contains("nesting"))
    }

    @Test func writesWhatItReads() throws {
        let value = JSONValue.object([("b", .array([.integer(1), .number(0.1), .string("é\n\"")])), ("a", .null), ("c", .bool(true))])
        let text = JSONWriter.serialize(value)
        #expect(try parse(text) == value)
        #expect(JSONWriter.serialize(value, indent: nil) == #"{"b":[1,0.1,"é\n\""],"a":null,"c":true}"#)
    }
}
