import CaptionEval
import Foundation
import Testing

/// The scene truth checker against the verdicts of `tools/scenes/checker.py` in
/// `Fixtures/scenes/truth/verdicts.json` (written by `tools/make_scene_truth_fixtures.py`).
@Suite struct SceneTruthTests {
    /// The fixture: scenes, captions with the Python verdicts, and scores of caption sets.
    struct Truth {
        let scenes: [[SceneObject]]
        let captions: [JSONValue]
        let sets: JSONValue
    }

    static func scenesPath(_ relative: String) -> String {
        Fixtures.packageRoot.appendingPathComponent("Fixtures/scenes").appendingPathComponent(relative).path
    }

    static func truth() throws -> Truth {
        let path = scenesPath("truth/verdicts.json")
        let json = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
        let scenes = try #require(json["scenes"]?.arrayValue).map { scene in
            // A scene without objects has no graph by SceneObject's rule; it is an empty scene here.
            try SceneObject.sceneGraph(from: scene["objects"], path: path, imageID: scene["id"]?.stringValue ?? "?") ?? []
        }
        return Truth(scenes: scenes, captions: try #require(json["captions"]?.arrayValue), sets: try #require(json["sets"]))
    }

    /// The Swift verdict on fixture caption `entry`.
    static func verdict(_ entry: JSONValue, in truth: Truth) throws -> SceneCaptionVerdict {
        let scene = try #require(entry["scene"]?.integerValue)
        return SceneTruthChecker.check(caption: try #require(entry["caption"]?.stringValue), objects: truth.scenes[scene])
    }

    @Test func everyVerdictAgreesWithThePythonChecker() throws {
        let truth = try Self.truth()
        #expect(truth.captions.count > 1_500)
        var disagreements: [String] = []
        for entry in truth.captions {
            let verdict = try Self.verdict(entry, in: truth)
            let expected: [(String, JSONValue)] = [
                ("grammatical", .bool(verdict.grammatical)), ("true", .bool(verdict.entirelyTrue)),
                ("mentioned", .integer(verdict.mentioned)), ("matched", .integer(verdict.matched)),
                ("complete", .bool(verdict.complete)), ("relations_stated", .integer(verdict.relationsStated)),
                ("relations_held", .integer(verdict.relationsHeld)),
            ]
            for (key, swiftValue) in expected where entry[key] != swiftValue {
                disagreements.append("'\(entry["caption"]?.stringValue ?? "")' (\(entry["kind"]?.stringValue ?? "")) \(key): Python \(String(describing: entry[key])), Swift \(swiftValue)")
            }
        }
        #expect(disagreements.count == 0, "\(disagreements.count) disagreements, first: \(disagreements.prefix(5).joined(separator: "; "))")
    }

    @Test(arguments: ["all", "references", "one-per-scene"])
    func setScoresAgreeWithThePythonScoring(set: String) throws {
        let truth = try Self.truth()
        let expected = try #require(truth.sets[set])
        let members = try expected["members"]?.arrayValue.map { try $0.map { try #require($0.integerValue) } } as [Int]?
        let chosen = (members ?? Array(truth.captions.indices)).map { truth.captions[$0] }
            .filter { set != "references" || $0["kind"] == .string("reference") }
        let scores = SceneTruthScores(try chosen.map { try Self.verdict($0, in: truth) })
        #expect(scores.captions == expected["captions"]?.integerValue)
        let keys = ["entirely_true", "object_precision", "object_recall", "relation_accuracy", "grammatical", "complete"]
        let actual = [scores.entirelyTrue, scores.objectPrecision, scores.objectRecall, scores.relationAccuracy, scores.grammatical, scores.complete]
        expectClose(actual, try keys.map { try #require(expected[$0]?.doubleValue) }, tolerance: 1e-12, labels: keys, set)
    }

    @Test func theDatasetsSceneGraphsReadAsTheFixtureHasThem() throws {
        let truth = try Self.truth()
        let dataset = try ReferenceDataset.read(path: Self.scenesPath("dataset.json"))
        #expect(dataset.images.count == 100)
        for (index, image) in dataset.images.enumerated() {
            let graph = try SceneObject.sceneGraph(from: image.objects, path: dataset.path, imageID: image.id)
            #expect(graph == truth.scenes[index], "image \(image.id)")
        }
    }

    @Test func parsesPairsReferencesAndRelations() throws {
        let words = "there are two small red circles to the left of a blue square and the large blue square is above another blue square"
        let reading = try SceneCaptionParser.parse(words.split(separator: " ").map(String.init))
        #expect(reading.mentions == [
            SceneMention(colour: "red", shape: "circle", size: "small", count: 2),
            SceneMention(colour: "blue", shape: "square", size: "large", count: 1),
            SceneMention(colour: "blue", shape: "square", size: nil, count: 1),
        ])
        #expect(reading.relations.map(\.relation) == [.left, .above])
        #expect(reading.relations.map(\.subject) == [0, 1])
        #expect(reading.relations.map(\.object) == [1, 2])
        #expect(reading.objectCount == 4)
        let pair = try SceneCaptionParser.parse(["two", "green", "diamonds", "are", "one", "above", "the", "other"])
        #expect(pair.arrangements.map(\.axis) == [.vertical])
        #expect(pair.relationCount == 1)
    }

    @Test(arguments: ["", "a red circle and", "the red circle", "another red circle", "a red circle side by side",
                      "two red circle", "a red circles", "a crimson circle", "there a red circle", "a red circle near a blue square"])
    func rejectsWhatTheGrammarDoesNot(caption: String) {
        #expect(throws: SceneCaptionParser.SyntaxError.self) {
            try SceneCaptionParser.parse(caption.split(separator: " ").map(String.init))
        }
    }

    @Test func readsSceneGraphsAndLeavesOtherObjectListsAlone() throws {
        let json = try JSONReader.parse(Array("""
            {"scene": [{"shape": "circle", "colour": "red", "size": "small", "box": [0, 0, 10.5, 10]}],
             "genome": [{"name": "man", "relations": []}], "empty": [],
             "bad-box": [{"shape": "circle", "color": "red", "size": "small", "box": [0, 0, 10]}],
             "no-size": [{"shape": "circle", "color": "red", "box": [0, 0, 10, 10]}],
             "not-object": [{"shape": "circle", "color": "red", "size": "small", "box": [0, 0, 1, 1]}, 3]}
            """.utf8), path: "d.json")
        let scene = try SceneObject.sceneGraph(from: json["scene"], path: "d.json", imageID: "7")
        #expect(scene == [SceneObject(shape: "circle", colour: "red", size: "small", box: [0, 0, 10.5, 10])])
        #expect(scene?.first?.centre.x == 5.25)
        #expect(try SceneObject.sceneGraph(from: json["genome"], path: "d.json", imageID: "7") == nil)
        #expect(try SceneObject.sceneGraph(from: json["empty"], path: "d.json", imageID: "7") == nil)
        #expect(try SceneObject.sceneGraph(from: nil, path: "d.json", imageID: "7") == nil)
        let failures: [(String, String)] = [
            ("bad-box", "d.json: image 7 objects[0]: \"box\" must be [x0, y0, x1, y1] (four numbers)"),
            ("no-size", "d.json: image 7 objects[0]: missing \"size\""),
            ("not-object", "d.json: image 7 objects[1]: expected an object, found a number"),
        ]
        for (key, message) in failures {
            #expect {
                _ = try SceneObject.sceneGraph(from: json[key], path: "d.json", imageID: "7")
            } throws: { error in
                String(describing: error) == message
            }
        }
    }

    @Test func manyMentionsOfAFewObjectsStayTractable() {
        // 20 mentions and 3 objects: the search visits partial maps, not 4^20 choices.
        let objects = (0..<3).map { SceneObject(shape: "circle", colour: "red", size: "small", box: [Double($0) * 30, 0, Double($0) * 30 + 16, 16]) }
        let caption = Array(repeating: "a red circle to the left of a red circle", count: 10).joined(separator: " and ")
        let verdict = SceneTruthChecker.check(caption: caption, objects: objects)
        #expect(verdict.grammatical && !verdict.entirelyTrue)
        #expect(verdict.mentioned == 20 && verdict.matched == 3 && verdict.relationsStated == 10)
        #expect(verdict.relationsHeld == 1)
    }

    @Test func theEvaluatorReportsSceneTruthOfTokenizedCandidates() throws {
        let left = SceneObject(shape: "circle", colour: "red", size: "small", box: [0, 40, 16, 56])
        let right = SceneObject(shape: "square", colour: "blue", size: "large", box: [60, 40, 90, 70])
        let items = [
            // PTB tokenization lower-cases and drops the period before the check.
            CaptionEvaluator.Item(imageID: "1", candidate: "A red circle to the left of a blue square.",
                                  references: ["a red circle to the left of a blue square"], sceneObjects: [left, right]),
            CaptionEvaluator.Item(imageID: "2", candidate: "a red circle above a blue square",
                                  references: ["a red circle to the left of a large blue square"], sceneObjects: [left, right]),
            CaptionEvaluator.Item(imageID: "3", candidate: "a dog", references: ["a dog on a couch"]),
        ]
        let report = CaptionEvaluator().evaluate(items)
        let scenes = try #require(report.scenes)
        #expect(scenes.captions == 2)
        #expect(scenes.entirelyTrue == 0.5 && scenes.relationAccuracy == 0.5)
        #expect(scenes.objectPrecision == 1 && scenes.objectRecall == 1)
        #expect(scenes.entirelyTrueByObjectCount.map(\.objects) == [2])
        #expect(scenes.entirelyTrueByObjectCount.map(\.entirelyTrue) == [0.5])
        let json = report.json
        #expect(json.objectMembers?.map(\.key) == ["corpus", "scenes", "images", "not_computed"])
        #expect(json["scenes"]?.objectMembers?.map(\.key) == [
            "object_precision", "object_recall", "relation_accuracy", "entirely_true", "grammatical", "complete", "images",
            "entirely_true_by_object_count",
        ])
        #expect(json["images"]?["1"]?["scene"]?["entirely_true"] == .bool(true))
        #expect(json["images"]?["2"]?["scene"]?["relations_held"] == .integer(0))
        #expect(json["images"]?["3"]?["scene"] == nil)
        #expect(report.table().contains("\nscene truth (2 images with a scene graph)\nentirely true      0.5000\n"))
        let plain = CaptionEvaluator().evaluate([items[2]])
        #expect(plain.scenes == nil && plain.json["scenes"] == nil && !plain.table().contains("scene"))
    }
}
