// The only FusionScope code that sees SentencePiece. Built as a MODULE and loaded by
// core/data/tokenizer.cpp with RTLD_LOCAL | RTLD_DEEPBIND, so libsentencepiece's bundled
// protobuf binds to itself and never meets the libprotobuf LibTorch loads.
// No exception may leave these functions: the caller is C.

#include "core/data/sentencepiecemodule/sentencepieceabi.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#define FS_SP_EXPORT extern "C" __attribute__((visibility("default")))

namespace sentencepiece::logging {
// Exported by libsentencepiece but not declared in its installed headers.
void SetMinLogLevel(int level);
} // namespace sentencepiece::logging

struct FsSpModel
{
    sentencepiece::SentencePieceProcessor processor;
};

namespace {

char *copyToMalloc(const void *data, size_t size)
{
    auto *out = static_cast<char *>(std::malloc(size + 1));
    if (out) {
        if (size)
            std::memcpy(out, data, size);
        out[size] = '\0';
    }
    return out;
}

int fail(char **error, const std::string &message)
{
    if (error)
        *error = copyToMalloc(message.data(), message.size());
    return 1;
}

/** Feeds the caller's sentences to the trainer without copying them to a file. */
class ArraySentenceIterator final : public sentencepiece::SentenceIterator
{
public:
    ArraySentenceIterator(const char *const *sentences, const size_t *lengths, size_t count)
        : m_sentences(sentences), m_lengths(lengths), m_count(count)
    {
        load();
    }
    bool done() const override { return m_index >= m_count; }
    void Next() override
    {
        ++m_index;
        load();
    }
    const std::string &value() const override { return m_current; }
    sentencepiece::util::Status status() const override { return {}; }

private:
    void load()
    {
        if (m_index < m_count)
            m_current.assign(m_sentences[m_index], m_lengths[m_index]);
    }

    const char *const *m_sentences;
    const size_t *m_lengths;
    size_t m_count;
    size_t m_index = 0;
    std::string m_current;
};

// SentencePiece keeps its log level and random seed in globals: train one model at a time.
std::mutex g_trainMutex;

// Only LOG(FATAL), which aborts anyway; INFO 0, WARNING 1 and ERROR 2 stay off stderr.
constexpr int kQuiet = 3;

/** Encoding logs too (warnings on odd input); silence it before any model exists. */
struct QuietLogging
{
    QuietLogging() { sentencepiece::logging::SetMinLogLevel(kQuiet); }
} g_quietLogging;

} // namespace

FS_SP_EXPORT int fs_sp_abi_version(void)
{
    return FS_SP_ABI_VERSION;
}

FS_SP_EXPORT void fs_sp_free(void *buffer)
{
    std::free(buffer);
}

FS_SP_EXPORT int fs_sp_train(const char *const *sentences, const size_t *lengths, size_t count,
                             const char *options, char **model, size_t *modelSize, char **error)
{
    try {
        std::lock_guard<std::mutex> lock(g_trainMutex);
        // Its INFO chatter and warnings ("Found too long line …") would reach our stderr raw;
        // what matters comes back in the status. The flag alone comes too late to silence
        // the line that echoes the options, and parsing it sets the level again.
        sentencepiece::logging::SetMinLogLevel(kQuiet);
        sentencepiece::SetRandomGeneratorSeed(1);
        ArraySentenceIterator iterator(sentences, lengths, count);
        const std::string args = std::string(options) + " --minloglevel=" + std::to_string(kQuiet);
        std::string serialized;
        const auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator,
                                                                       &serialized);
        if (!status.ok())
            return fail(error, status.ToString());
        *model = copyToMalloc(serialized.data(), serialized.size());
        *modelSize = serialized.size();
        return *model ? 0 : fail(error, "out of memory");
    } catch (const std::exception &e) {
        return fail(error, e.what());
    }
}

FS_SP_EXPORT FsSpModel *fs_sp_load(const char *bytes, size_t size, char **error)
{
    try {
        auto *model = new FsSpModel;
        const auto status = model->processor.LoadFromSerializedProto(
            std::string_view(bytes, size));
        if (status.ok())
            return model;
        delete model;
        fail(error, status.ToString());
    } catch (const std::exception &e) {
        fail(error, e.what());
    }
    return nullptr;
}

FS_SP_EXPORT void fs_sp_destroy(FsSpModel *model)
{
    delete model;
}

FS_SP_EXPORT int fs_sp_piece_count(const FsSpModel *model)
{
    return model->processor.GetPieceSize();
}

FS_SP_EXPORT void fs_sp_special_ids(const FsSpModel *model, int *padId, int *unkId)
{
    *padId = model->processor.pad_id();
    *unkId = model->processor.unk_id();
}

FS_SP_EXPORT int fs_sp_encode_ids(const FsSpModel *model, const char *text, size_t size,
                                  int32_t **ids, size_t *count, char **error)
{
    try {
        std::vector<int> out;
        const auto status = model->processor.Encode(
            std::string_view(text, size), &out);
        if (!status.ok())
            return fail(error, status.ToString());
        *ids = static_cast<int32_t *>(std::malloc((out.size() + 1) * sizeof(int32_t)));
        if (!*ids)
            return fail(error, "out of memory");
        for (size_t i = 0; i < out.size(); ++i)
            (*ids)[i] = out[i];
        *count = out.size();
        return 0;
    } catch (const std::exception &e) {
        return fail(error, e.what());
    }
}

FS_SP_EXPORT int fs_sp_encode_pieces(const FsSpModel *model, const char *text, size_t size,
                                     char **pieces, size_t *piecesSize, size_t *count,
                                     char **error)
{
    try {
        std::vector<std::string> out;
        const auto status = model->processor.Encode(
            std::string_view(text, size), &out);
        if (!status.ok())
            return fail(error, status.ToString());
        std::string packed;
        for (const std::string &piece : out) {
            const auto length = static_cast<uint32_t>(piece.size());
            packed.append(reinterpret_cast<const char *>(&length), sizeof length);
            packed.append(piece);
        }
        *pieces = copyToMalloc(packed.data(), packed.size());
        if (!*pieces)
            return fail(error, "out of memory");
        *piecesSize = packed.size();
        *count = out.size();
        return 0;
    } catch (const std::exception &e) {
        return fail(error, e.what());
    }
}

FS_SP_EXPORT int fs_sp_decode(const FsSpModel *model, const int32_t *ids, size_t count,
                              char **text, size_t *size, char **error)
{
    try {
        const std::vector<int> in(ids, ids + count);
        std::string out;
        const auto status = model->processor.Decode(in, &out);
        if (!status.ok())
            return fail(error, status.ToString());
        *text = copyToMalloc(out.data(), out.size());
        if (!*text)
            return fail(error, "out of memory");
        *size = out.size();
        return 0;
    } catch (const std::exception &e) {
        return fail(error, e.what());
    }
}
