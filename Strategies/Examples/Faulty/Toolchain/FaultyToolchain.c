#define FAULTY_NAME "faulty-toolchain"
#define FAULTY_TOOLCHAIN "swiftlang-5.10.1.10.1 clang-1500.3.9.4"
#include "../Common/faulty_plugin.inc"
