"""Keep freed memory in the process for reuse (glibc only; elsewhere nothing changes).

The engine evaluates every block of cycles into fresh numpy arrays of a few to tens of
megabytes. By default glibc serves such sizes with mmap, or trims the heap after they are
freed, so each block's arrays start on pages the kernel must fault in again; on the PSA
benchmark that was over 100,000 page faults and about a second of system time. Raising the
mmap threshold to its maximum (32 MB) and the trim threshold to 1 GB lets the next block
reuse the same memory. Peak memory is unchanged: freed blocks are reused, not added to.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # glibc <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # bytes: glibc's maximum on 64-bit systems
TRIM_THRESHOLD = 1024 * 1024 * 1024  # bytes of free memory at the top of the heap kept for reuse


def keep_freed_memory() -> bool:
    """Set the two glibc thresholds; return whether they were set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
