import Testing
@testable import CaptionKit

@Suite("Tensor")
struct TensorTests {
    @Test("copies share storage until one is mutated")
    func copyOnWrite() {
        let original = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var copy = original
        copy[flat: 0] = 9
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(copy.scalars == [9, 2, 3, 4])
    }

    @Test("reshaping keeps the elements in row-major order")
    func reshape() {
        let tensor = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5]).reshaped([3, 2])
        #expect(tensor.shape == [3, 2])
        #expect(tensor.scalars == [0, 1, 2, 3, 4, 5])
    }

    @Test("a 0-d tensor has one element and an empty tensor none")
    func degenerateShapes() {
        #expect(Tensor(shape: [], repeating: 7).scalars == [7])
        #expect(Tensor(shape: [3, 0]).count == 0)
    }

    @Test("writing to a borrowed tensor copies it and leaves the source alone")
    func borrowedMemoryIsCopiedOnWrite() {
        final class Owner {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: 3)
            init() { pointer.initialize(from: [1, 2, 3], count: 3) }
            deinit { pointer.deallocate() }
        }
        let owner = Owner()
        var tensor = Tensor(shape: [3], borrowing: owner.pointer, owner: owner)
        #expect(tensor.isBorrowingMemory)
        tensor[flat: 1] = 20
        #expect(!tensor.isBorrowingMemory)
        #expect(tensor.scalars == [1, 20, 3])
        #expect(owner.pointer[1] == 2)
    }
}
