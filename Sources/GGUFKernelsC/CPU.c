// Which kernels this CPU can run, asked once by the Swift side.
#include "GGUFKernelsC.h"

#if defined(__x86_64__)
int gguf_kernels_have_avx2(void) {
  __builtin_cpu_init();
  // The runtime's check includes the operating system's support for the wide registers.
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
}
#else
int gguf_kernels_have_avx2(void) { return 0; }
#endif
