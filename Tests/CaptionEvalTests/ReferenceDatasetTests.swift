import CaptionEval
import Testing

@Suite struct ReferenceDatasetTests {
    static let testIDs = ["391895", "522418", "184613", "318219"]

    @Test func readsCOCOCaptionAnnotations() throws {
        let dataset = try ReferenceDataset.read(path: Fixtures.path("datasets/captions.json"))
        #expect(dataset.format == .coco)
        // Seven images with captions; the one without annotations is left out.
        #expect(dataset.images.map(\.id) == Self.testIDs + ["554625", "397133", "37777"])
        #expect(dataset.image(named: "COCO_val2014_000000391895.jpg")?.id == "391895")
        #expect(dataset.image(named: "COCO_val2014_000000391895")?.id == "391895")
        #expect(dataset.image(named: "999999") == nil)
        #expect(dataset.splits.isEmpty)
    }

    @Test func readsKarpathySplitsKeepingTheSceneGraph() throws {
        let dataset = try ReferenceDataset.read(path: Fixtures.path("datasets/dataset_karpathy.json"))
        #expect(dataset.format == .karpathy)
        #expect(dataset.splits == ["restval", "test", "train", "val"])
        let test = try dataset.restricted(toSplit: "test")
        #expect(test.images.map(\.id) == Self.testIDs)
        let first = try #require(dataset.images.first)
        #expect(first.folder == "val2014")
        #expect(first.fileName == "COCO_val2014_000000391895.jpg")
        let objects = try #require(first.objects?.arrayValue)
        #expect(objects.count == 2)
        #expect(objects[0]["name"] == .string("man"))
        #expect(objects[0]["relations"]?.arrayValue?.first?["predicate"] == .string("riding"))
        #expect(dataset.images[1].objects == nil)
    }

    @Test func readsFlickr8kTokensAndSplitList() throws {
        let path = Fixtures.path("datasets/Flickr8k.token.txt")
        let dataset = try ReferenceDataset.read(path: path)
        #expect(dataset.format == .flickr8k)
        #expect(dataset.images.first?.id == "COCO_val2014_000000391895")
        let test = try dataset.restricted(toListIn: ReferenceDataset.flickr8kSplitList(forTokenFile: path, split: "test"))
        #expect(test.images.count == 4)
    }

    @Test func theThreeFormatsHoldTheSameCaptions() throws {
        let coco = try ReferenceDataset.read(path: Fixtures.path("datasets/captions.json"))
        let karpathy = try ReferenceDataset.read(path: Fixtures.path("datasets/dataset_karpathy.json"), format: .karpathy)
        let flickr = try ReferenceDataset.read(path: Fixtures.path("datasets/Flickr8k.token.txt"), format: .flickr8k)
        #expect(coco.images.map(\.captions) == karpathy.images.map(\.captions))
        #expect(coco.images.map(\.captions) == flickr.images.map(\.captions))
    }

    @Test func karpathyIDsFallBackFromCocoidToImgidToFileName() throws {
        let json = """
            {"images": [
              {"filename": "a.jpg", "imgid": 0, "cocoid": 42, "sentences": [{"raw": "x"}]},
              {"filename": "b.jpg", "imgid": 1, "sentences": [{"raw": "y"}]},
              {"filename": "c.jpg", "sentences": [{"raw": "z"}]}
            ]}
            """
        let path = try TemporaryFile.write(json, name: "ids.json")
        let dataset = try ReferenceDataset.read(path: path)
        #expect(dataset.images.map(\.id) == ["42", "1", "c"])
    }

    @Test func anUnknownSplitNamesTheAvailableOnes() throws {
        let path = Fixtures.path("datasets/dataset_karpathy.json")
        let dataset = try ReferenceDataset.read(path: path)
        #expect(throws: EvaluationError.unknownSplit(path: path, split: "dev", available: ["restval", "test", "train", "val"])) {
            try dataset.restricted(toSplit: "dev")
        }
    }

    @Test func rejectsUnrecognizedAndBrokenFiles() throws {
        let json = try TemporaryFile.write("{\"foo\": 1}", name: "foo.json")
        #expect(throws: EvaluationError.unrecognizedFormat(path: json, reason: "a JSON file with neither images[].sentences (Karpathy) nor annotations (COCO)")) {
            try ReferenceDataset.read(path: json)
        }
        let token = try TemporaryFile.write("a.jpg#0\tA dog.\nno tab here\n", name: "bad.token.txt")
        #expect(throws: EvaluationError.invalidContent(path: token, location: "line 2", reason: "expected name.jpg#k<TAB>caption")) {
            try ReferenceDataset.read(path: token, format: .flickr8k)
        }
        let missing = Fixtures.path("datasets/no-such-file.json")
        #expect(throws: EvaluationError.fileNotFound(path: missing)) { try ReferenceDataset.read(path: missing) }
        let coco = try TemporaryFile.write("{\"annotations\": [{\"image_id\": 1}]}", name: "coco.json")
        #expect(throws: EvaluationError.invalidContent(path: coco, location: "annotations[0]", reason: "missing \"caption\" string")) {
            try ReferenceDataset.read(path: coco)
        }
    }
}

@Suite struct CandidateResultsTests {
    private let references: ReferenceDataset

    init() throws {
        references = try ReferenceDataset.read(path: Fixtures.path("datasets/captions.json"))
    }

    @Test func pairsResultsWithReferencesInFileOrder() throws {
        let results = try CandidateResults.read(path: Fixtures.path("datasets/results.json"))
        let items = try results.items(against: references)
        #expect(items.map(\.imageID) == ReferenceDatasetTests.testIDs)
        #expect(items[0].references == references.images[0].captions)
    }

    @Test func findsImagesByFileName() throws {
        let results = try CandidateResults.read(path: Fixtures.path("datasets/results-string-ids.json"))
        let items = try results.items(against: references)
        #expect(items.map { $0.references } == references.images.prefix(4).map(\.captions))
    }

    @Test func rejectsBadResults() throws {
        let path = { (name: String) in Fixtures.path("datasets/\(name)") }
        #expect(throws: EvaluationError.duplicateImage(path: path("results-duplicate.json"), imageID: "391895", firstEntry: 1, secondEntry: 3)) {
            try CandidateResults.read(path: path("results-duplicate.json")).items(against: references)
        }
        #expect(throws: EvaluationError.imageWithoutReferences(path: path("results-unknown-image.json"), imageID: "123")) {
            try CandidateResults.read(path: path("results-unknown-image.json")).items(against: references)
        }
        #expect(throws: EvaluationError.emptyFile(path: path("results-empty.json"))) {
            try CandidateResults.read(path: path("results-empty.json"))
        }
        #expect(throws: EvaluationError.noCaptions(path: path("results-empty-array.json"))) {
            try CandidateResults.read(path: path("results-empty-array.json"))
        }
        #expect(throws: EvaluationError.malformedJSON(path: path("results-malformed.json"), line: 3, column: 23, reason: "expected ',' or '}' in object, found '\"'")) {
            try CandidateResults.read(path: path("results-malformed.json"))
        }
        #expect(throws: EvaluationError.invalidContent(path: path("results-not-array.json"), location: "top level", reason: "expected an array of {\"image_id\", \"caption\"} objects, found an object")) {
            try CandidateResults.read(path: path("results-not-array.json"))
        }
        #expect(throws: EvaluationError.invalidContent(path: path("results-missing-caption.json"), location: "entry 1", reason: "missing \"caption\"")) {
            try CandidateResults.read(path: path("results-missing-caption.json"))
        }
    }
}
