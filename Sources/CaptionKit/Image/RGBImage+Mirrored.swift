extension RGBImage {
    /// The image mirrored left to right (each row reversed, as Pillow's
    /// `ImageOps.mirror`): the augmentation `caption-eval features --mirror` encodes.
    ///
    /// ```swift
    /// let pair = try RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])
    /// print(pair.mirrored().pixels) // [0, 0, 255, 255, 0, 0]
    /// ```
    public func mirrored() -> RGBImage {
        ExifOrientation.mirrored.applied(to: self)
    }
}
