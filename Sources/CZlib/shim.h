// zlib (Debian zlib1g-dev): gzip decoding for capture importers (cold path only).
#include <zlib.h>
