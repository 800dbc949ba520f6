// PNG encoding into memory over libpng; errors longjmp back and are reported in a CKIStatus.
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "CImageCodecs.h"
#include "cki_png_errors.h"
#include "cki_status.h"

/// The growing output of one encode; on the heap so that it survives a longjmp intact.
struct cki_png_output {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
    char message[CKI_PNG_MESSAGE_LENGTH];
};

/// libpng's write callback: appends to the output, doubling its capacity as needed.
static void cki_png_write(png_structp png, png_bytep data, size_t length) {
    struct cki_png_output *output = (struct cki_png_output *)png_get_io_ptr(png);
    if (length > output->capacity - output->count) {
        size_t capacity = output->capacity != 0 ? output->capacity : 4096;
        while (capacity - output->count < length) {
            if (capacity > SIZE_MAX / 2) {
                png_error(png, "output too large");
            }
            capacity *= 2;
        }
        uint8_t *grown = realloc(output->bytes, capacity);
        if (grown == NULL) {
            png_error(png, "out of memory");
        }
        output->bytes = grown;
        output->capacity = capacity;
    }
    memcpy(output->bytes + output->count, data, length);
    output->count += length;
}

static void cki_png_flush(png_structp png) {
    (void)png;
}

int cki_png_encode(const uint8_t *pixels, int width, int height, int has_alpha,
                   uint8_t **bytes, size_t *count, CKIStatus *status) {
    cki_status_clear(status);
    *bytes = NULL;
    *count = 0;
    if (width <= 0 || height <= 0) {
        cki_status_fail(status, "PNG", "image has no pixels");
        return -1;
    }
    struct cki_png_output *output = calloc(1, sizeof *output);
    if (output == NULL) {
        cki_status_fail(status, "PNG", "out of memory");
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, output->message, cki_png_error, cki_png_warning);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        free(output);
        cki_status_fail(status, "PNG", "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        cki_status_fail(status, "PNG", output->message);
        png_destroy_write_struct(&png, &info);
        free(output->bytes);
        free(output);
        return -1;
    }
    png_set_write_fn(png, output, cki_png_write, cki_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 has_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const size_t stride = (size_t)width * (has_alpha ? 4 : 3);
    for (int row = 0; row < height; row++) {
        png_write_row(png, pixels + (size_t)row * stride);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *bytes = output->bytes;
    *count = output->count;
    free(output);
    return 0;
}

void cki_free(void *pointer) {
    free(pointer);
}
