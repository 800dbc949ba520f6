// Internal: filling a CKIStatus.
#ifndef CKI_STATUS_H
#define CKI_STATUS_H

#include <stdio.h>
#include "CImageCodecs.h"

/// Marks `status` failed with `prefix: detail` (either may be empty), truncated to fit.
static inline void cki_status_fail(CKIStatus *status, const char *prefix, const char *detail) {
    status->failed = 1;
    if (prefix[0] != '\0' && detail[0] != '\0') {
        snprintf(status->message, sizeof status->message, "%s: %s", prefix, detail);
    } else {
        snprintf(status->message, sizeof status->message, "%s%s", prefix, detail);
    }
}

/// Marks `status` successful.
static inline void cki_status_clear(CKIStatus *status) {
    status->failed = 0;
    status->message[0] = '\0';
}

#endif
