// PNG decoding over libpng: every libpng error longjmps back to the entry point that was
// running, which reports it in a CKIStatus.
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "CImageCodecs.h"
#include "cki_png_errors.h"
#include "cki_status.h"

struct CKIPNGDecoder {
    png_structp png;
    png_infop info;
    const uint8_t *bytes;
    size_t count;
    size_t offset;       // next byte libpng reads
    png_bytep *rows;     // row pointers into the caller's buffer; freed by close
    char message[CKI_PNG_MESSAGE_LENGTH];
};

/// libpng's read callback over the in-memory bytes; running out is an error.
static void cki_png_read(png_structp png, png_bytep out, size_t length) {
    CKIPNGDecoder *decoder = (CKIPNGDecoder *)png_get_io_ptr(png);
    if (length > decoder->count - decoder->offset) {
        png_error(png, "file is truncated");
    }
    memcpy(out, decoder->bytes + decoder->offset, length);
    decoder->offset += length;
}

CKIPNGDecoder *cki_png_open(const uint8_t *bytes, size_t count, CKIStatus *status) {
    cki_status_clear(status);
    if (count < 8 || png_sig_cmp(bytes, 0, 8) != 0) {
        cki_status_fail(status, "PNG", "missing PNG signature");
        return NULL;
    }
    CKIPNGDecoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) {
        cki_status_fail(status, "PNG", "out of memory");
        return NULL;
    }
    decoder->bytes = bytes;
    decoder->count = count;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoder->message, cki_png_error, cki_png_warning);
    if (decoder->png != NULL) {
        decoder->info = png_create_info_struct(decoder->png);
    }
    if (decoder->info == NULL) {
        cki_status_fail(status, "PNG", "out of memory");
        cki_png_close(decoder);
        return NULL;
    }
    if (setjmp(png_jmpbuf(decoder->png))) {
        cki_status_fail(status, "PNG", decoder->message);
        cki_png_close(decoder);
        return NULL;
    }
    png_set_read_fn(decoder->png, decoder, cki_png_read);
    // A CRC error in any chunk, critical or ancillary, is a failure (as in Pillow).
    png_set_crc_action(decoder->png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    // The caller applies its own pixel limit to the dimensions; libpng's default limit of
    // 1,000,000 per side would otherwise turn "too large" into a generic error.
    png_set_user_limits(decoder->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_read_info(decoder->png, decoder->info);
    return decoder;
}

void cki_png_dimensions(const CKIPNGDecoder *decoder, int64_t *width, int64_t *height) {
    *width = (int64_t)png_get_image_width(decoder->png, decoder->info);
    *height = (int64_t)png_get_image_height(decoder->png, decoder->info);
}

int cki_png_read_rgb(CKIPNGDecoder *decoder, uint8_t *pixels, CKIStatus *status) {
    cki_status_clear(status);
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    if (setjmp(png_jmpbuf(png))) {
        cki_status_fail(status, "PNG", decoder->message);
        return -1;
    }
    png_set_expand(png);      // palette -> RGB, grey of 1, 2, 4 bits -> 8 bits (scaled)
    png_set_strip_16(png);    // 16-bit -> high byte, as Pillow does for RGB;16B
    png_set_strip_alpha(png); // alpha and tRNS dropped; colour channels kept as they are
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const png_uint_32 width = png_get_image_width(png, info);
    const png_uint_32 height = png_get_image_height(png, info);
    if (png_get_bit_depth(png, info) != 8 || png_get_channels(png, info) != 3 ||
        png_get_rowbytes(png, info) != (size_t)width * 3) {
        cki_status_fail(status, "PNG", "unexpected row layout after conversion to RGB");
        return -1;
    }
    decoder->rows = malloc((size_t)height * sizeof(png_bytep));
    if (decoder->rows == NULL) {
        cki_status_fail(status, "PNG", "out of memory");
        return -1;
    }
    for (png_uint_32 row = 0; row < height; row++) {
        decoder->rows[row] = pixels + (size_t)row * width * 3;
    }
    png_read_image(png, decoder->rows);
    png_read_end(png, NULL); // reads up to IEND: a file cut after the pixels still fails
    return 0;
}

void cki_png_close(CKIPNGDecoder *decoder) {
    if (decoder == NULL) {
        return;
    }
    if (decoder->png != NULL) {
        png_destroy_read_struct(&decoder->png, decoder->info != NULL ? &decoder->info : NULL, NULL);
    }
    free(decoder->rows);
    free(decoder);
}
