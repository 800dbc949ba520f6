// Internal: libpng error and warning handlers shared by the PNG decoder and encoder. The
// error pointer given to libpng is a char[CKI_PNG_MESSAGE_LENGTH] that receives the message.
#ifndef CKI_PNG_ERRORS_H
#define CKI_PNG_ERRORS_H

#include <stdio.h>

#include <png.h>

#define CKI_PNG_MESSAGE_LENGTH 200

/// Copies the message and jumps back to the entry point's setjmp; never returns.
static void cki_png_error(png_structp png, png_const_charp message) {
    char *target = (char *)png_get_error_ptr(png);
    snprintf(target, CKI_PNG_MESSAGE_LENGTH, "%s", message);
    png_longjmp(png, 1);
}

/// libpng warns about ancillary chunks it skips (a bad sRGB profile, an oversized text
/// chunk); the image itself is intact, so a warning is not a failure. Nothing is printed.
static void cki_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

#endif
