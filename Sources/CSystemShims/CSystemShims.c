// All shims are static inline in include/CSystemShims.h; this file gives the C target a translation unit.
#include "CSystemShims.h"
