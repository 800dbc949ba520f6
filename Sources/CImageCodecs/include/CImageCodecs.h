// CImageCodecs: libjpeg(-turbo) and libpng behind setjmp/longjmp error handling.
//
// Every function reports failure through a CKIStatus (a message naming the reason) and a
// return value; none prints, exits or aborts on bad input, and every failure path releases
// what it allocated. Decoders work in two steps so that the caller can refuse an image by
// its header before any pixel buffer exists: open (reads the header), then read into a
// buffer the caller allocates, then close (always).
#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The outcome of a call: `failed` is 0 on success; otherwise `message` says why.
typedef struct {
    int failed;
    char message[256];
} CKIStatus;

/// A JPEG decoder over bytes that stay alive and unchanged until `cki_jpeg_close`.
typedef struct CKIJPEGDecoder CKIJPEGDecoder;

/// Reads the JPEG header. Returns NULL and fills `status` on failure.
CKIJPEGDecoder *cki_jpeg_open(const uint8_t *bytes, size_t count, CKIStatus *status);
/// The image width and height in pixels as the header declares them (before EXIF rotation).
void cki_jpeg_dimensions(const CKIJPEGDecoder *decoder, int *width, int *height);
/// Decodes the whole image into `pixels` (width * height * 3 bytes, RGB interleaved, rows
/// top to bottom). Greyscale is expanded; CMYK and YCCK are read as Adobe-inverted CMYK and
/// converted as Pillow does. Any libjpeg warning (corrupt or truncated data) is a failure.
/// Returns 0 on success, -1 on failure.
int cki_jpeg_read_rgb(CKIJPEGDecoder *decoder, uint8_t *pixels, CKIStatus *status);
/// Releases the decoder; accepts NULL.
void cki_jpeg_close(CKIJPEGDecoder *decoder);

/// A PNG decoder over bytes that stay alive and unchanged until `cki_png_close`.
typedef struct CKIPNGDecoder CKIPNGDecoder;

/// Reads the PNG signature and every chunk before the first IDAT. Returns NULL and fills
/// `status` on failure.
CKIPNGDecoder *cki_png_open(const uint8_t *bytes, size_t count, CKIStatus *status);
/// The image width and height in pixels as IHDR declares them.
void cki_png_dimensions(const CKIPNGDecoder *decoder, int64_t *width, int64_t *height);
/// Decodes the whole image (any colour type, bit depth or interlacing) into `pixels`
/// (width * height * 3 bytes, RGB): palette and grey expanded, 16-bit samples reduced to
/// their high byte, alpha dropped, no gamma or background applied. Returns 0 on success,
/// -1 on failure (including CRC errors in any chunk and data missing before IEND).
int cki_png_read_rgb(CKIPNGDecoder *decoder, uint8_t *pixels, CKIStatus *status);
/// Releases the decoder; accepts NULL.
void cki_png_close(CKIPNGDecoder *decoder);

/// Encodes 8-bit RGB (`has_alpha` 0) or RGBA (`has_alpha` 1) pixels, rows top to bottom,
/// as a PNG in memory. On success returns 0 and sets `*bytes` (free it with `cki_free`) and
/// `*count`; on failure returns -1, leaves `*bytes` NULL and fills `status`.
int cki_png_encode(const uint8_t *pixels, int width, int height, int has_alpha,
                   uint8_t **bytes, size_t *count, CKIStatus *status);
/// Frees memory returned by this library; accepts NULL.
void cki_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
