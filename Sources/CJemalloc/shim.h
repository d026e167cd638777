#include <stddef.h>

// jemalloc's control interface. Only this is declared: <jemalloc/jemalloc.h> declares the C
// library's allocation functions again, which Swift would see twice. Linking the library is what
// makes it the process's allocator (its malloc and free come before the C library's).
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);
