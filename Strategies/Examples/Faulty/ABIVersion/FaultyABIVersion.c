#define FAULTY_NAME "faulty-abi-version"
#define FAULTY_ABI_VERSION 999u
#include "../Common/faulty_plugin.inc"
