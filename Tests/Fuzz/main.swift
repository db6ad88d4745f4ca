#if canImport(Glibc)
import Glibc
#endif

// libFuzzer's driver, entered from our own `main` (SwiftPM links an executable's entry point under
// its own name, so libFuzzer's `main` cannot be the one): the usual libFuzzer command line.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzMarketData(data, size) }))
