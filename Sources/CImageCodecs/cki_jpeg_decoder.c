// JPEG decoding over libjpeg(-turbo): every libjpeg error and warning longjmps back to the
// entry point that was running, which reports it in a CKIStatus.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "CImageCodecs.h"
#include "cki_status.h"

/// libjpeg's error manager extended with the jump target and the formatted message.
struct cki_jpeg_error {
    struct jpeg_error_mgr manager; // first: libjpeg hands back a pointer to it
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

struct CKIJPEGDecoder {
    struct jpeg_decompress_struct info;
    struct cki_jpeg_error error;
    uint8_t *cmyk_row; // one row of CMYK samples while converting; freed by close
};

static void cki_jpeg_error_exit(j_common_ptr info) {
    struct cki_jpeg_error *error = (struct cki_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

/// Level < 0 is a warning: libjpeg would go on with corrupt or missing data (filling the
/// rest with grey); CaptionKit refuses the image instead. Trace messages are dropped.
static void cki_jpeg_emit_message(j_common_ptr info, int level) {
    if (level < 0) {
        cki_jpeg_error_exit(info);
    }
}

/// Nothing is ever printed.
static void cki_jpeg_output_message(j_common_ptr info) {
    (void)info;
}

CKIJPEGDecoder *cki_jpeg_open(const uint8_t *bytes, size_t count, CKIStatus *status) {
    cki_status_clear(status);
    if (count == 0) {
        cki_status_fail(status, "JPEG", "no data");
        return NULL;
    }
    CKIJPEGDecoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) {
        cki_status_fail(status, "JPEG", "out of memory");
        return NULL;
    }
    decoder->info.err = jpeg_std_error(&decoder->error.manager);
    decoder->error.manager.error_exit = cki_jpeg_error_exit;
    decoder->error.manager.emit_message = cki_jpeg_emit_message;
    decoder->error.manager.output_message = cki_jpeg_output_message;
    if (setjmp(decoder->error.jump)) {
        cki_status_fail(status, "JPEG", decoder->error.message);
        cki_jpeg_close(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->info);
    jpeg_mem_src(&decoder->info, bytes, (unsigned long)count);
    jpeg_read_header(&decoder->info, TRUE);
    return decoder;
}

void cki_jpeg_dimensions(const CKIJPEGDecoder *decoder, int *width, int *height) {
    *width = (int)decoder->info.image_width;
    *height = (int)decoder->info.image_height;
}

/// Adobe-inverted CMYK to RGB with Pillow's arithmetic: Pillow reads the samples as
/// "CMYK;I" (c' = 255 - c) and converts with r = clip(nk - round(c' * nk / 255)), nk = 255 - k'.
static void cki_inverted_cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, JDIMENSION width) {
    for (JDIMENSION x = 0; x < width; x++, cmyk += 4, rgb += 3) {
        const int nk = cmyk[3]; // 255 - k' where k' = 255 - k
        for (int channel = 0; channel < 3; channel++) {
            const int product = (255 - cmyk[channel]) * nk + 128;
            const int value = nk - (((product >> 8) + product) >> 8);
            rgb[channel] = (uint8_t)(value < 0 ? 0 : value);
        }
    }
}

int cki_jpeg_read_rgb(CKIJPEGDecoder *decoder, uint8_t *pixels, CKIStatus *status) {
    cki_status_clear(status);
    struct jpeg_decompress_struct *info = &decoder->info;
    if (setjmp(decoder->error.jump)) {
        cki_status_fail(status, "JPEG", decoder->error.message);
        return -1;
    }
    switch (info->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        info->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        info->out_color_space = JCS_CMYK;
        break;
    default: {
        char detail[64];
        snprintf(detail, sizeof detail, "unsupported colour space with %d components", info->num_components);
        cki_status_fail(status, "JPEG", detail);
        return -1;
    }
    }
    jpeg_start_decompress(info);
    const int cmyk = info->out_color_space == JCS_CMYK;
    if (info->output_components != (cmyk ? 4 : 3)) {
        cki_status_fail(status, "JPEG", "unexpected number of output components");
        return -1;
    }
    const size_t stride = (size_t)info->output_width * 3;
    if (cmyk) {
        decoder->cmyk_row = malloc((size_t)info->output_width * 4);
        if (decoder->cmyk_row == NULL) {
            cki_status_fail(status, "JPEG", "out of memory");
            return -1;
        }
    }
    while (info->output_scanline < info->output_height) {
        // Row pointers straight into the caller's buffer (or the CMYK scratch row).
        JSAMPROW rows[16];
        const JDIMENSION first = info->output_scanline;
        JDIMENSION wanted = info->output_height - first;
        if (cmyk) {
            wanted = 1;
            rows[0] = decoder->cmyk_row;
        } else {
            wanted = wanted < 16 ? wanted : 16;
            for (JDIMENSION row = 0; row < wanted; row++) {
                rows[row] = pixels + (size_t)(first + row) * stride;
            }
        }
        if (jpeg_read_scanlines(info, rows, wanted) == 0) {
            cki_status_fail(status, "JPEG", "decoder made no progress");
            return -1;
        }
        if (cmyk) {
            cki_inverted_cmyk_to_rgb(decoder->cmyk_row, pixels + (size_t)first * stride, info->output_width);
        }
    }
    jpeg_finish_decompress(info);
    return 0;
}

void cki_jpeg_close(CKIJPEGDecoder *decoder) {
    if (decoder == NULL) {
        return;
    }
    jpeg_destroy_decompress(&decoder->info);
    free(decoder->cmyk_row);
    free(decoder);
}
