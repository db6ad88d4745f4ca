#define FAULTY_NAME "faulty-schema"
#define FAULTY_SCHEMA_ID "0123456789abcdef"
#include "../Common/faulty_plugin.inc"
