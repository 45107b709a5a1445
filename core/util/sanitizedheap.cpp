#include "core/util/sanitizedheap.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUSIONSCOPE_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUSIONSCOPE_ADDRESS_SANITIZER 1
#endif

#ifndef FUSIONSCOPE_ADDRESS_SANITIZER

void keepTensorBlocksUnderAddressSanitizer() {}

#else

#include <c10/core/CPUAllocator.h>
#include <sanitizer/asan_interface.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace {

/** Blocks of one exact size are reused: a training loop asks for the same sizes every step. */
class BlockCache
{
public:
    static constexpr std::size_t kHeader = 64; ///< the block's size lives here; keeps the data 64-byte aligned
    static constexpr std::size_t kMaxCachedBytes = std::size_t(4) << 30;

    void *take(std::size_t bytes)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            auto found = m_free.find(bytes);
            if (found != m_free.end() && !found->second.empty()) {
                char *data = static_cast<char *>(found->second.back());
                found->second.pop_back();
                m_cachedBytes -= bytes;
                ASAN_UNPOISON_MEMORY_REGION(data, bytes);
                return data;
            }
        }
        void *base = nullptr;
        if (posix_memalign(&base, kHeader, bytes + kHeader) != 0)
            throw std::bad_alloc();
        *static_cast<std::size_t *>(base) = bytes;
        return static_cast<char *>(base) + kHeader;
    }

    void give(void *data)
    {
        if (!data)
            return;
        char *base = static_cast<char *>(data) - kHeader;
        const std::size_t bytes = *reinterpret_cast<std::size_t *>(base);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_cachedBytes + bytes <= kMaxCachedBytes) {
                ASAN_POISON_MEMORY_REGION(data, bytes);
                m_free[bytes].push_back(data);
                m_cachedBytes += bytes;
                return;
            }
        }
        std::free(base);
    }

private:
    std::mutex m_mutex;
    std::unordered_map<std::size_t, std::vector<void *>> m_free;
    std::size_t m_cachedBytes = 0;
};

BlockCache &cache()
{
    static BlockCache *blocks = new BlockCache; // never destroyed: tensors may be freed during exit
    return *blocks;
}

void release(void *data)
{
    cache().give(data);
}

class CachingCpuAllocator final : public c10::Allocator
{
public:
    c10::DataPtr allocate(std::size_t bytes) const override
    {
        void *data = bytes == 0 ? nullptr : cache().take(bytes);
        return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

} // namespace

void keepTensorBlocksUnderAddressSanitizer()
{
    static CachingCpuAllocator *allocator = new CachingCpuAllocator;
    c10::SetCPUAllocator(allocator, /*priority=*/1);
}

#endif
