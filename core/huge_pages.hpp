#pragma once

// Arrays of hundreds of megabytes (the million opportunities `match --all`
// reads, the engine's index of them) faulted in 2 MiB pages instead of
// 4 KiB ones: page faults were a fifth of the command's CPU (kernel time
// 1.9 s of 7.7 s, docs/benchmarks.md). Transparent huge pages are given on
// request (madvise) on these machines; elsewhere the advice does nothing.

#include <cstddef>
#include <vector>

namespace terrier {

// Advises the whole 2 MiB pages inside [data, data + bytes) to be backed by
// huge pages, before they are first touched. Failures are ignored: the
// memory works the same, in small pages.
void advise_huge_pages(const void* data, std::size_t bytes);

// v.reserve(n), the reserved memory advised as above (when it is new).
template <typename T>
void reserve_in_huge_pages(std::vector<T>& v, std::size_t n) {
  if (n <= v.capacity()) return;
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace terrier
